// A real SMTP client (nodemailer) for tests: sends to the Keepwatch listener over a real socket.
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';

export interface SmtpClientOptions {
  port: number;
  auth?: { user: string; pass: string };
  pool?: boolean;
  maxConnections?: number;
}

export type Mail = SendMailOptions;

export function smtpClient(o: SmtpClientOptions): Transporter<SMTPTransport.SentMessageInfo> {
  return nodemailer.createTransport({
    host: '127.0.0.1',
    port: o.port,
    secure: false,
    ignoreTLS: true,
    auth: o.auth,
    pool: o.pool ?? false,
    maxConnections: o.maxConnections ?? 5,
    maxMessages: Number.POSITIVE_INFINITY,
    connectionTimeout: 10_000,
  } as SMTPTransport.Options);
}

/** Sends one message; answers the server's final reply, or the error with its SMTP code. */
export async function send(port: number, mail: Mail, auth?: { user: string; pass: string }): Promise<{ ok: boolean; code: number; response: string }> {
  const client = smtpClient({ port, auth });
  try {
    const info = await client.sendMail(mail);
    return { ok: true, code: Number(info.response.slice(0, 3)), response: info.response };
  } catch (err) {
    const e = err as { responseCode?: number; response?: string; message: string };
    return { ok: false, code: e.responseCode ?? 0, response: e.response ?? e.message };
  } finally {
    client.close();
  }
}
