// collector.json (docs/collector.md): where the centre is, the ingest token, and the connectors to
// run here. Every problem names its field (`central_url`, `connectors[1].config.client_secret`),
// so `keepwatch collect` can say exactly what to fix. Connector configs are checked against their
// type's own schema and resolve(), exactly as POST /api/v1/connectors checks them.
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, extname, resolve as resolvePath } from 'node:path';
import { type FieldProblem, ValidationError } from '../../domain/errors.js';
import { nameKey } from '../../domain/job.js';
import { compileBody, toFieldProblems } from '../../http/validation.js';
import { type AllowEntry, parseOutboundAllow } from '../../lib/outbound/index.js';
import { connectorType } from '../registry.js';
import type { ConnectorConfig, ConnectorType } from '../types.js';

export interface CollectorConnectorConfig {
  type: string;
  name: string;
  /** Resolved: defaults filled in, as the connector runs with it. */
  config: ConnectorConfig;
  intervalMs: number;
  connectorType: ConnectorType;
}

export interface CollectorConfig {
  /** The file it was read from. */
  file: string;
  centralUrl: string;
  token: string;
  name: string;
  stateFile: string;
  bufferDir: string;
  outboundAllow: AllowEntry[];
  connectors: CollectorConnectorConfig[];
}

const TOP_FIELDS = new Set(['central_url', 'token', 'name', 'state_file', 'buffer_dir', 'outbound_allow', 'connectors']);
const CONNECTOR_FIELDS = new Set(['type', 'name', 'config', 'interval_minutes']);
/** Collector and connector names make up the jobs' `source` (`collector:<name>:<connector>`, at most 200). */
const MAX_NAME = 80;

const validators = new Map<string, ReturnType<typeof compileBody>>();

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function nameProblem(v: unknown): string | null {
  if (typeof v !== 'string' || v.trim() === '') return 'must be a non-blank string';
  if (v.length > MAX_NAME) return `must be at most ${MAX_NAME} characters`;
  if (v.includes(':')) return 'must not contain ":" (it is part of the jobs\' source)';
  return null;
}

/** Reads and checks a collector config file. Throws ValidationError naming each bad field. */
export function loadCollectorConfig(path: string): CollectorConfig {
  const file = resolvePath(path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw ValidationError.field('config', `cannot read ${file}: ${(err as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw ValidationError.field('config', `${file} is not valid JSON: ${(err as Error).message}`);
  }
  return parseCollectorConfig(doc, file);
}

/** Checks a parsed config; `file` places relative paths and the defaults beside it. */
export function parseCollectorConfig(doc: unknown, file: string): CollectorConfig {
  if (!isObject(doc)) throw ValidationError.field('config', 'must be a JSON object');
  const problems: FieldProblem[] = [];
  const bad = (field: string, message: string) => problems.push({ field, message });
  for (const k of Object.keys(doc)) if (!TOP_FIELDS.has(k)) bad(k, 'is not a known field');

  let centralUrl = '';
  if (typeof doc.central_url !== 'string' || doc.central_url.trim() === '') bad('central_url', 'is required: the URL of the central Keepwatch, e.g. https://keepwatch.example.com');
  else {
    try {
      const u = new URL(doc.central_url.trim());
      if (u.protocol !== 'https:' && u.protocol !== 'http:') bad('central_url', 'must be an https:// (or http://) URL');
      else if (u.username || u.password) bad('central_url', 'must not carry credentials (put the token in "token")');
      else centralUrl = u.toString().replace(/\/+$/, '');
    } catch {
      bad('central_url', 'must be a URL, e.g. https://keepwatch.example.com');
    }
  }
  if (typeof doc.token !== 'string' || doc.token.trim() === '') bad('token', 'is required: an ingest token limited to this client (keepwatch token create --scope ingest --client …)');

  let name = hostname();
  if (doc.name !== undefined) {
    const p = nameProblem(doc.name);
    if (p) bad('name', p);
    else name = (doc.name as string).trim();
  }

  const dir = dirname(file);
  const stem = basename(file, extname(file));
  const pathField = (field: 'state_file' | 'buffer_dir', fallback: string): string => {
    const v = doc[field];
    if (v === undefined) return resolvePath(dir, fallback);
    if (typeof v !== 'string' || v.trim() === '') {
      bad(field, 'must be a path');
      return '';
    }
    return resolvePath(dir, v);
  };
  const stateFile = pathField('state_file', `${stem}.state.json`);
  const bufferDir = pathField('buffer_dir', `${stem}-buffer`);
  if (stateFile !== '' && stateFile === bufferDir) bad('buffer_dir', 'must not be the state file');

  let outboundAllow: AllowEntry[] = [];
  if (doc.outbound_allow !== undefined) {
    if (!Array.isArray(doc.outbound_allow) || doc.outbound_allow.some((e) => typeof e !== 'string')) bad('outbound_allow', 'must be a list of hosts, addresses or networks (as KEEPWATCH_OUTBOUND_ALLOW)');
    else {
      const parsed = parseOutboundAllow((doc.outbound_allow as string[]).join(','));
      if ('problems' in parsed) bad('outbound_allow', parsed.problems.join('; '));
      else outboundAllow = parsed.entries;
    }
  }

  const connectors: CollectorConnectorConfig[] = [];
  if (!Array.isArray(doc.connectors) || doc.connectors.length === 0) bad('connectors', 'is required: a list of at least one { "type", "name", "config" }');
  else {
    const names = new Set<string>();
    for (const [i, c] of (doc.connectors as unknown[]).entries()) {
      const at = `connectors[${i}]`;
      if (!isObject(c)) {
        bad(at, 'must be an object { "type", "name", "config" }');
        continue;
      }
      for (const k of Object.keys(c)) if (!CONNECTOR_FIELDS.has(k)) bad(`${at}.${k}`, 'is not a known field');
      const type = typeof c.type === 'string' ? connectorType(c.type) : null;
      if (!type) bad(`${at}.type`, typeof c.type === 'string' ? `unknown connector type "${c.type}"` : 'is required');
      const np = nameProblem(c.name);
      if (np) bad(`${at}.name`, c.name === undefined ? 'is required' : np);
      else if (names.has(nameKey(c.name as string))) bad(`${at}.name`, `"${c.name}" is used by another connector`);
      else names.add(nameKey(c.name as string));
      let minutes: number | null = null;
      if (c.interval_minutes !== undefined) {
        if (typeof c.interval_minutes !== 'number' || !Number.isInteger(c.interval_minutes) || c.interval_minutes < 1 || c.interval_minutes > 10_080) {
          bad(`${at}.interval_minutes`, 'must be a whole number of minutes from 1 to 10080');
        } else minutes = c.interval_minutes;
      }
      if (!isObject(c.config)) {
        bad(`${at}.config`, "is required: the connector type's settings, as in POST /api/v1/connectors");
        continue;
      }
      if (!type || np) continue;
      const resolved = checkConnectorConfig(type, c.config, (c.name as string).trim(), `${at}.config`, problems);
      if (resolved) connectors.push({ type: type.type, name: (c.name as string).trim(), config: resolved, intervalMs: minutes !== null ? minutes * 60_000 : type.intervalMs(resolved), connectorType: type });
    }
  }
  if (problems.length > 0) throw new ValidationError(problems);
  return { file, centralUrl, token: (doc.token as string).trim(), name, stateFile, bufferDir, outboundAllow, connectors };
}

/** The type's schema, then its initialConfig and resolve (defaults, combinations); problems named under `at`. */
function checkConnectorConfig(type: ConnectorType, config: ConnectorConfig, name: string, at: string, problems: FieldProblem[]): ConnectorConfig | null {
  let validate = validators.get(type.type);
  if (!validate) {
    validate = compileBody(type.configSchema);
    validators.set(type.type, validate);
  }
  if (!validate(config)) {
    problems.push(...toFieldProblems(validate.errors ?? []).map((p) => ({ ...p, field: p.field === 'body' ? at : `${at}.${p.field}` })));
    return null;
  }
  try {
    const initial = type.initialConfig ? type.initialConfig(config, name) : config;
    return type.resolve(initial, name);
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    problems.push(...err.problems.map((p) => ({ ...p, field: p.field.startsWith('config') ? `${at}${p.field.slice('config'.length)}` : `${at}.${p.field}` })));
    return null;
  }
}
