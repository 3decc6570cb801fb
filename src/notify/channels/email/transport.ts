// Outbound mail through the relay named by KEEPWATCH_MAIL_URL (nodemailer, pooled connections),
// behind our small Mailer interface.
import type { Transporter } from 'nodemailer';
import type { Mailer, MailMessage } from '../channel.js';

export function createMailer(url: string, from: string): Mailer {
  const parsed = new URL(url);
  // nodemailer is loaded, and the pool made, at the first message: a process that never sends mail
  // (most CLI commands, many tests) does not pay for it at start-up.
  let transport: Promise<Transporter> | null = null;
  const open = async (): Promise<Transporter> => {
    const { default: nodemailer } = await import('nodemailer');
    return nodemailer.createTransport({
      pool: true,
      maxConnections: 3,
      host: parsed.hostname,
      port: parsed.port ? Number(parsed.port) : parsed.protocol === 'smtps:' ? 465 : 587,
      secure: parsed.protocol === 'smtps:',
      auth: parsed.username ? { user: decodeURIComponent(parsed.username), pass: decodeURIComponent(parsed.password) } : undefined,
      // Certificates are verified; a relay on a private network with a self-signed one needs `?tls=insecure`.
      tls: { rejectUnauthorized: parsed.searchParams.get('tls') !== 'insecure' },
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 20_000,
    });
  };
  return {
    async send(m: MailMessage) {
      transport ??= open();
      const info = await (await transport).sendMail({ from, to: m.to, subject: m.subject, html: m.html, text: m.text, messageId: m.messageId, headers: m.headers, attachments: m.attachments });
      return { accepted: (info.accepted as string[]).map(String), rejected: (info.rejected as string[]).map(String), response: String(info.response ?? '') };
    },
    close() {
      void transport?.then((t) => t.close()).catch(() => {});
    },
  };
}
