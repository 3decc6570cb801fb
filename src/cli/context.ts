import { hostname, userInfo } from 'node:os';
import pino from 'pino';
import { createKeepwatch, type Keepwatch } from '../app.js';
import { loadConfig } from '../config/index.js';
import type { Principal } from '../domain/access.js';
import { SYSTEM } from '../domain/access.js';

/** Runs a command against the configured database, quietly (stdout is for the command's answer). */
export async function withKeepwatch<T>(fn: (kw: Keepwatch) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const kw = await createKeepwatch(config, { logger: pino({ level: 'warn' }, pino.destination(2)) });
  try {
    return await fn(kw);
  } finally {
    await kw.stop();
  }
}

/** The person at the terminal, for the audit log. */
export function cliActor(): Principal {
  let who = 'cli';
  try {
    who = `${userInfo().username}@${hostname()}`;
  } catch {
    // no passwd entry (containers): keep 'cli'
  }
  return { ...SYSTEM, kind: 'system', id: 'cli', name: who };
}
