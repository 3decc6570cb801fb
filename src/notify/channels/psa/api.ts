// What Keepwatch asks of a PSA (ConnectWise Manage, Autotask), and how the answers of their REST
// APIs are read: 2xx done; 408, 429 (with Retry-After) and 5xx retried; 401/403 the credentials
// are wrong (the channel is broken); other 4xx the request or the configured ids are wrong.
import { type SendResult, permanent, transient } from '../channel.js';
import { type HttpAnswer, networkFailure, requestJson } from '../http.js';

export interface NewTicket {
  companyId: number;
  summary: string;
  description: string;
  priorityId: number | null;
  boardId: number | null;
  queueId: number | null;
  typeId: number | null;
  statusId: number | null;
}

export interface PsaChoice {
  id: number;
  name: string;
}

export interface PsaMetadata {
  /** ConnectWise boards or Autotask queues. */
  boards?: PsaChoice[];
  queues?: PsaChoice[];
  priorities: PsaChoice[];
  statuses: PsaChoice[];
  types: PsaChoice[];
}

export interface PsaApi {
  /** The open ticket of the company whose summary carries the alert's marker, if any (searched by the bare id: brackets are wildcards in some PSAs' `like`). */
  findOpenTicket(alertId: string, companyId: number): Promise<number | null>;
  createTicket(t: NewTicket): Promise<number>;
  addNote(ticketId: number, text: string): Promise<void>;
  closeTicket(ticketId: number): Promise<void>;
  companies(): Promise<PsaChoice[]>;
  metadata(): Promise<PsaMetadata>;
}

/** A PSA call that did not succeed, carrying how the delivery loop should take it. */
export class PsaFailure extends Error {
  constructor(
    readonly result: Extract<SendResult, { ok: false }>,
    readonly httpStatus: number | null = null,
  ) {
    super(result.error);
    this.name = 'PsaFailure';
  }
}

export function classifyPsa(vendor: string, what: string, a: HttpAnswer): Extract<SendResult, { ok: false }> {
  const status = `HTTP ${a.status}`;
  if (a.status === 408 || a.status === 429 || a.status >= 500) {
    return transient(status, `${vendor} answered ${a.status} to ${what}; will retry`, a.body, a.retryAfterMs ?? undefined) as Extract<SendResult, { ok: false }>;
  }
  if (a.status === 401 || a.status === 403) return permanent(status, `${vendor} refused the credentials (${a.status}) for ${what}; check the API keys`, a.body) as Extract<SendResult, { ok: false }>;
  return permanent(status, `${vendor} rejected ${what} (${a.status}); check the channel's ids and mapping`, a.body) as Extract<SendResult, { ok: false }>;
}

/** One JSON call; answers the parsed body of a 2xx, throws PsaFailure otherwise. */
export async function psaCall<T>(vendor: string, what: string, method: string, url: string, body: unknown, headers: Record<string, string>, timeoutMs: number): Promise<T> {
  let a: HttpAnswer;
  try {
    a = await requestJson(method, url, body === undefined ? null : JSON.stringify(body), { accept: 'application/json', ...headers }, timeoutMs, 8 * 1024 * 1024);
  } catch (err) {
    throw new PsaFailure(networkFailure(err) as Extract<SendResult, { ok: false }>);
  }
  if (a.status < 200 || a.status >= 300) throw new PsaFailure(classifyPsa(vendor, what, a), a.status);
  try {
    return (a.body === '' ? null : JSON.parse(a.body)) as T;
  } catch {
    throw new PsaFailure(transient(`HTTP ${a.status}`, `${vendor} answered ${what} with something that is not JSON`, a.body.slice(0, 500)) as Extract<SendResult, { ok: false }>, a.status);
  }
}
