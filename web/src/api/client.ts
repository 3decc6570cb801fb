// The typed API client. Types come from the server's OpenAPI document (schema.gen.ts, made by the
// build), so a route that changes shape breaks `npm run build` here rather than a user's screen.
import createClient from 'openapi-fetch';
import type { paths } from './schema.gen';

export type { paths };
/** RFC 9457 problem details, as every error answer carries. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: Array<{ field: string; message: string }>;
}

let csrfToken: string | null = null;
/** The session's CSRF token, sent on every write made with the session cookie. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export const api = createClient<paths>({ baseUrl: window.location.origin, credentials: 'same-origin' });
api.use({
  onRequest({ request }) {
    if (csrfToken && request.method !== 'GET') request.headers.set('X-CSRF-Token', csrfToken);
    return request;
  },
});

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Partial<Problem> | null,
  ) {
    super(problem?.detail ?? `the server answered ${status}`);
  }
  /** The message for a field, from the problem's `errors`. */
  field(name: string): string | undefined {
    return this.problem?.errors?.find((e) => e.field === name || e.field.endsWith(`.${name}`))?.message;
  }
}

/** Data of a successful answer; an ApiError otherwise. */
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) throw new ApiError(response.status, (error as Partial<Problem>) ?? null);
  return data as T;
}

type Json<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends { responses: { 200: { content: { 'application/json': infer R } } } } ? R : never;
export type DevicePage = Json<'/api/v1/devices', 'get'>;
export type Device = DevicePage['items'][number];
export type Check = Device['checks'][number];
export type Client = Json<'/api/v1/clients', 'get'>['items'][number];
export type Alert = Json<'/api/v1/alerts', 'get'>['items'][number];
export type AlertDetail = Json<'/api/v1/alerts/{id}', 'get'>;
export type Job = Json<'/api/v1/devices/{id}/jobs', 'get'>['items'][number];
export type JobDetail = Json<'/api/v1/jobs/{id}', 'get'>;
export type Grid = Json<'/api/v1/grid', 'get'>;
export type ComplianceReport = Json<'/api/v1/reports/compliance', 'get'>;
export type Session = Json<'/api/v1/session', 'get'>;
export type User = Session['user'];
export type Token = Json<'/api/v1/tokens', 'get'>['items'][number];
export type MaintenanceWindow = Json<'/api/v1/maintenance-windows', 'get'>['items'][number];
type Posted<P extends keyof paths, M extends keyof paths[P], S extends number = 200> = paths[P][M] extends { responses: { [K in S]: { content: { 'application/json': infer R } } } } ? R : never;
export type UnmatchedGroup = Json<'/api/v1/emails/unmatched', 'get'>['items'][number];
export type EmailSummary = Json<'/api/v1/emails', 'get'>['items'][number];
export type EmailDetail = Json<'/api/v1/emails/{id}', 'get'>;
export type CheckDraft = Json<'/api/v1/emails/{id}/check-draft', 'get'>;
export type EmailRules = CheckDraft['email'];
export type MatchRule = NonNullable<EmailRules['match']>[number];
export type StatusRule = NonNullable<EmailRules['status']>[number];
export type RuleTrial = Posted<'/api/v1/emails/test-rules', 'post'>;
export type Inbound = Json<'/api/v1/emails/inbound', 'get'>;
export type Suggestion = NonNullable<EmailSummary['suggestion']>;
export type CorrectionProposal = Posted<'/api/v1/emails/{id}/correction', 'post'>;
export type ChannelType = Json<'/api/v1/channel-types', 'get'>['items'][number];
export type TypeDescription = Json<'/api/v1/connector-types', 'get'>['items'][number];
export type FieldDescription = NonNullable<TypeDescription['fields']>[number];
export type Channel = Json<'/api/v1/channels', 'get'>['items'][number];
export type Delivery = Json<'/api/v1/channels/{id}/deliveries', 'get'>['items'][number];
export type ChannelTest = Posted<'/api/v1/channels/{id}/test', 'post'>;
export type NotificationSettings = Json<'/api/v1/notifications/settings', 'get'>;
export type Connector = Json<'/api/v1/connectors', 'get'>['items'][number];
export type ConnectorRun = Json<'/api/v1/connectors/{id}/runs', 'get'>['items'][number];
export type TestReport = Posted<'/api/v1/connectors/{id}/test', 'post'>;
export type Mailbox = Json<'/api/v1/mailboxes', 'get'>['items'][number];
export type Integration = Json<'/api/v1/integrations', 'get'>['items'][number];
export type SettingsDoc = Json<'/api/v1/settings', 'get'>;
