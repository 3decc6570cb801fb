// A cookie-carrying caller, as the console is: signs in, keeps the session cookie and the CSRF
// token, and sends both the way the web app does.
import type { TestApp } from './app.js';

export interface SessionCaller {
  cookie: string | null;
  csrf: string | null;
  request<T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: T; headers: Headers }>;
  signIn(email: string, password: string): Promise<{ status: number; body: any; headers: Headers }>;
}

export function sessionCaller(app: TestApp): SessionCaller {
  const caller: SessionCaller = {
    cookie: null,
    csrf: null,
    async request(method, path, body, extra = {}) {
      const headers: Record<string, string> = { ...extra };
      if (caller.cookie) headers.cookie = caller.cookie;
      if (caller.csrf && method !== 'GET' && headers['x-csrf-token'] === undefined) headers['x-csrf-token'] = caller.csrf;
      if (body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(app.url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      const setCookie = res.headers.get('set-cookie');
      if (setCookie) {
        const value = /kw_session=([^;]*)/.exec(setCookie)?.[1];
        caller.cookie = value ? `kw_session=${value}` : null;
      }
      const text = await res.text();
      const parsed = (res.headers.get('content-type') ?? '').includes('json') && text ? JSON.parse(text) : text;
      if (parsed && typeof parsed === 'object' && typeof parsed.csrf_token === 'string') caller.csrf = parsed.csrf_token;
      return { status: res.status, body: parsed, headers: res.headers };
    },
    signIn(email, password) {
      return caller.request('POST', '/api/v1/session', { email, password });
    },
  };
  return caller;
}
