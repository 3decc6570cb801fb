// PagerDuty Events API v2 and the Opsgenie alert API v2, played from their documented shapes
// (shared/data/paging/): incidents by dedup_key / alerts by alias, with their state.
import { type FakeServer, startFakeServer } from './fake-http.js';

export const ROUTING_KEY = 'R0123456789abcdef0123456789abcde';
export const GENIE_KEY = 'eb243592-faa2-4ba2-a551-1afdf565c889';

export interface Incident {
  key: string;
  state: 'triggered' | 'acknowledged' | 'resolved';
  summary: string;
  severity: string;
  source: string;
  events: string[];
}

export interface FakePaging {
  server: FakeServer;
  pagerDutyUrl: string;
  opsgenieUrl: string;
  incidents: Map<string, Incident>;
  genie: Map<string, Incident>;
  close(): Promise<void>;
}

export async function startFakePaging(): Promise<FakePaging> {
  const server = await startFakeServer();
  const incidents = new Map<string, Incident>();
  const genie = new Map<string, Incident>();
  server.route('POST', /^\/v2\/enqueue$/, (r) => {
    const b = r.body ?? {};
    const errors: string[] = [];
    if (typeof b.routing_key !== 'string' || b.routing_key.length !== 32) errors.push("Length of 'routing_key' is incorrect (should be 32 characters)");
    if (!['trigger', 'acknowledge', 'resolve'].includes(b.event_action)) errors.push("'event_action' is invalid");
    if (b.event_action === 'trigger' && (!b.payload?.summary || !b.payload?.source || !['critical', 'error', 'warning', 'info'].includes(b.payload?.severity))) errors.push("'payload' is invalid");
    if (b.event_action !== 'trigger' && !b.dedup_key) errors.push("'dedup_key' is required");
    if (errors.length > 0) return { status: 400, body: { status: 'invalid event', message: 'Event object is invalid', errors } };
    const key = b.dedup_key as string;
    const current = incidents.get(key);
    if (b.event_action === 'trigger') {
      if (!current || current.state === 'resolved') incidents.set(key, { key, state: 'triggered', summary: b.payload.summary, severity: b.payload.severity, source: b.payload.source, events: ['trigger'] });
      else current.events.push('trigger');
    } else if (current && current.state !== 'resolved') {
      current.state = b.event_action === 'acknowledge' ? 'acknowledged' : 'resolved';
      current.events.push(b.event_action);
    }
    return { status: 202, body: { status: 'success', message: 'Event processed', dedup_key: key } };
  });
  const accepted = () => ({ status: 202, body: { result: 'Request will be processed', took: 0.302, requestId: crypto.randomUUID() } });
  const authorized = (h: string | string[] | undefined) => h === `GenieKey ${GENIE_KEY}`;
  server.route('POST', /^\/v2\/alerts$/, (r) => {
    if (!authorized(r.headers.authorization)) return { status: 401, body: { message: 'Could not authenticate', took: 0, requestId: 'x' } };
    if (!r.body?.message || r.body.message.length > 130) return { status: 422, body: { message: 'Request body is not processable', errors: { message: 'must be 1-130 characters' } } };
    const alias = r.body.alias ?? crypto.randomUUID();
    const current = genie.get(alias);
    if (!current || current.state === 'resolved') genie.set(alias, { key: alias, state: 'triggered', summary: r.body.message, severity: r.body.priority, source: r.body.source, events: ['create'] });
    return accepted();
  });
  server.route('POST', /^\/v2\/alerts\/([^/]+)\/(acknowledge|close)$/, (r, [alias, action]) => {
    if (!authorized(r.headers.authorization)) return { status: 401, body: { message: 'Could not authenticate' } };
    if (r.query.get('identifierType') !== 'alias') return { status: 404, body: { message: 'Alert does not exist' } };
    const a = genie.get(decodeURIComponent(alias!));
    if (a && a.state !== 'resolved') {
      a.state = action === 'close' ? 'resolved' : 'acknowledged';
      a.events.push(action!);
    }
    return accepted();
  });
  return { server, pagerDutyUrl: `${server.url}/v2/enqueue`, opsgenieUrl: server.url, incidents, genie, close: () => server.close() };
}
