// The collector's only persistent state besides its buffer (docs/collector.md): per connector its
// cursor and last run, and the client the centre said the token writes to. One small JSON file,
// replaced atomically on every change.
import { readFileSync } from 'node:fs';
import type { CollectorOutcome } from './centre.js';
import { writeFileDurably } from './files.js';

export interface ConnectorState {
  type: string;
  /** What the last successful sync returned; null before the first. Saved only once that sync's jobs are buffered. */
  cursor: unknown;
  last_run_at: number | null;
  next_run_at: number;
  outcome: CollectorOutcome | null;
  error: string | null;
}

export interface CollectorState {
  version: 1;
  /** The token's client, as the centre answered the last heartbeat (null: unknown, or an unlimited token). */
  client: { id: string; name: string } | null;
  connectors: Record<string, ConnectorState>;
}

export class StateFile {
  private constructor(
    readonly path: string,
    readonly state: CollectorState,
  ) {}

  /** Reads the state file; a missing one is a first start. A corrupt one is refused (the operator decides). */
  static open(path: string): StateFile {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new StateFile(path, { version: 1, client: null, connectors: {} });
      throw err;
    }
    let doc: CollectorState;
    try {
      doc = JSON.parse(text) as CollectorState;
    } catch (err) {
      throw new Error(`the state file ${path} is not valid JSON (${(err as Error).message}); move it away to start over (every connector then reads its first window again; the centre ignores what it already has)`);
    }
    if (doc?.version !== 1 || typeof doc.connectors !== 'object' || doc.connectors === null) throw new Error(`the state file ${path} is not a collector state file (version 1)`);
    return new StateFile(path, { version: 1, client: doc.client ?? null, connectors: doc.connectors });
  }

  connector(name: string, type: string, now: number): ConnectorState {
    let c = this.state.connectors[name];
    // A connector renamed to another type starts over: the old cursor means nothing to it.
    if (!c || c.type !== type) {
      c = { type, cursor: null, last_run_at: null, next_run_at: now, outcome: null, error: null };
      this.state.connectors[name] = c;
    }
    return c;
  }

  save(): void {
    writeFileDurably(this.path, `${JSON.stringify(this.state, null, 2)}\n`);
  }
}
