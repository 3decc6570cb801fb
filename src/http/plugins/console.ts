// Serves the web console (web/dist, built by Vite) from the same process. It only ever answers
// what no route did: files of the build, and index.html for the console's own paths such as
// /devices/<id> (notification e-mails link there). /api/* and /ping/* keep their problem+json 404s.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { Api } from '../types.js';
import type { NotFoundFallback } from './errors.js';

/** Same depth from src/http/plugins and dist/http/plugins. */
export const DEFAULT_CONSOLE_DIR = fileURLToPath(new URL('../../../web/dist', import.meta.url));
const NOT_CONSOLE = /^\/(api|ping|healthz|readyz|metrics)(\/|$)/;

// The console's scripts and styles come from this origin only; Mantine sets inline styles.
const HTML_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'cache-control': 'no-cache',
};

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Keepwatch</title>
<body style="font-family:system-ui;max-width:40rem;margin:4rem auto">
<h1>Keepwatch</h1><p>The API is running, but the web console is not built yet.
Run <code>npm run build</code> (or <code>npm start</code>) in the Keepwatch directory, then reload.</p>`;

function filesOf(dir: string): Set<string> {
  const out = new Set<string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else out.add(`/${relative(dir, full).split(sep).join('/')}`);
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

/** Registers sendFile for the build and answers the fallback the error plugin calls on a 404. */
export async function consoleFallback(app: Api, dir = DEFAULT_CONSOLE_DIR): Promise<NotFoundFallback> {
  const files = filesOf(dir);
  const built = files.has('/index.html');
  if (built) await app.register(fastifyStatic, { root: dir, serve: false, preCompressed: true });
  return async (request, reply) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return false;
    const path = request.url.split('?')[0]!;
    if (NOT_CONSOLE.test(path)) return false;
    const isFile = /\.[a-z0-9]+$/i.test(path);
    if (!built) {
      if (isFile) return false;
      await reply.code(200).type('text/html; charset=utf-8').headers(HTML_HEADERS).send(NOT_BUILT);
      return true;
    }
    if (files.has(path) && path !== '/index.html') {
      // Vite names files under assets/ by their content: they never change.
      const maxAge = path.startsWith('/assets/') ? 365 * 24 * 3600 : 0;
      await reply.header('cache-control', maxAge ? `public, max-age=${maxAge}, immutable` : 'no-cache').sendFile(path.slice(1));
      return true;
    }
    if (isFile) return false; // a missing file, not a console page
    await reply.code(200).headers(HTML_HEADERS).sendFile('index.html');
    return true;
  };
}
