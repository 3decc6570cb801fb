// Twilio's Messages resource as documented, on 127.0.0.1: the test registers accounts (SID and
// auth token) and the numbers that cannot receive SMS, and reads the messages created.
// Create: https://www.twilio.com/docs/messaging/api/message-resource#create-a-message-resource
// Errors: https://www.twilio.com/docs/usage/twilios-response#response-formats-exceptions and
// https://www.twilio.com/docs/api/errors (20003, 21211, 21602, 21614, 21617).
import { randomBytes } from 'node:crypto';
import { type FakeAnswer, type FakeServer, startFakeServer } from './fake-http.js';

export interface TwilioMessage {
  sid: string;
  account_sid: string;
  to: string;
  from: string | null;
  messaging_service_sid: string | null;
  body: string;
}

export interface TwilioFake {
  url: string;
  server: FakeServer;
  messages: TwilioMessage[];
  /** Account SID → auth token. */
  accounts: Map<string, string>;
  /** Numbers that are landlines (21614). */
  landlines: Set<string>;
  close(): Promise<void>;
}

const error = (status: number, code: number, message: string): FakeAnswer => ({
  status,
  body: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status },
});

export async function startTwilioFake(): Promise<TwilioFake> {
  const server = await startFakeServer();
  const fake: TwilioFake = { url: server.url, server, messages: [], accounts: new Map(), landlines: new Set(), close: () => server.close() };
  // POST /2010-04-01/Accounts/{AccountSid}/Messages.json, form-encoded, HTTP Basic (SID:token).
  server.route('POST', /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/, (r, [sid]) => {
    const auth = /^Basic (.+)$/.exec(String(r.headers.authorization ?? ''));
    const [user, pass] = auth ? Buffer.from(auth[1]!, 'base64').toString('utf8').split(':') : [];
    if (user !== sid || !fake.accounts.has(sid!) || fake.accounts.get(sid!) !== pass) return error(401, 20003, 'Authenticate');
    if (!String(r.headers['content-type']).startsWith('application/x-www-form-urlencoded')) return error(400, 21602, 'Message body is required.');
    const f = new URLSearchParams(typeof r.body === 'string' ? r.body : '');
    const to = f.get('To') ?? '';
    const body = f.get('Body') ?? '';
    if (!/^\+[1-9]\d{1,14}$/.test(to)) return error(400, 21211, `The 'To' number ${to} is not a valid phone number.`);
    if (fake.landlines.has(to)) return error(400, 21614, `'To' number ${to} is not a valid mobile number`);
    if (!f.get('From') && !f.get('MessagingServiceSid')) return error(400, 21603, "A 'From' or 'MessagingServiceSid' parameter is required to send a message");
    if (body === '') return error(400, 21602, 'Message body is required.');
    if (Array.from(body).length > 1600) return error(400, 21617, 'The concatenated message body exceeds the 1600 character limit.');
    const message: TwilioMessage = { sid: `SM${randomBytes(16).toString('hex')}`, account_sid: sid!, to, from: f.get('From'), messaging_service_sid: f.get('MessagingServiceSid'), body };
    fake.messages.push(message);
    return { status: 201, body: { ...message, status: 'queued', num_segments: '1', direction: 'outbound-api', error_code: null, error_message: null, uri: `/2010-04-01/Accounts/${sid}/Messages/${message.sid}.json` } };
  });
  return fake;
}
