// Raw RFC 5322 bytes → ParsedEmail, the one shape the pipeline, status rules and product templates
// read. mailparser does the MIME work (transfer encodings, charsets, multipart); this file decides
// what we keep: text (or the HTML part as text), lower-cased addresses, attachment metadata only.
import { type AddressObject, simpleParser } from 'mailparser';
import { htmlToText } from './html-text.js';
import type { ParsedEmail } from './templates/types.js';

export async function parseEmail(raw: Buffer, envelopeTo: string[] = []): Promise<ParsedEmail> {
  // skipHtmlToText: mailparser would fill `text` from the HTML itself; we convert with our own
  // table-preserving settings, and only when the message has no text part.
  const mail = await simpleParser(raw, { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true, skipTextLinks: true });
  const sender = firstAddress(mail.from);
  const html = typeof mail.html === 'string' && mail.html.trim() !== '' ? mail.html : null;
  const text = mail.text && mail.text.trim() !== '' ? mail.text : html ? htmlToText(html) : '';
  return {
    messageId: stripBrackets(mail.messageId),
    from: sender?.address ?? '',
    fromName: sender?.name ? sender.name : null,
    to: recipients(envelopeTo, [mail.to, mail.cc]),
    subject: (mail.subject ?? '').replace(/\s*\r?\n\s*/g, ' ').trim(),
    date: mail.date && !Number.isNaN(mail.date.getTime()) ? mail.date.getTime() : null,
    text: text.replace(/\r\n/g, '\n'),
    html,
    attachments: mail.attachments.map((a) => ({
      filename: a.filename ?? null,
      contentType: a.contentType,
      size: a.size ?? a.content?.length ?? 0,
    })),
  };
}

function stripBrackets(id: string | undefined): string | null {
  if (!id) return null;
  const bare = id.trim().replace(/^<|>$/g, '');
  return bare === '' ? null : bare;
}

function firstAddress(from: AddressObject | undefined): { address: string; name: string } | null {
  const first = from?.value[0];
  if (!first) return null;
  return { address: (first.address ?? '').toLowerCase(), name: first.name ?? '' };
}

/** Envelope recipients first (they say which mailbox received it), then To and Cc, without repeats. */
function recipients(envelope: string[], headers: Array<AddressObject | AddressObject[] | undefined>): string[] {
  const seen = new Set<string>();
  for (const a of envelope) if (a.trim()) seen.add(a.trim().toLowerCase());
  for (const header of headers) {
    const objects = header === undefined ? [] : Array.isArray(header) ? header : [header];
    for (const obj of objects) for (const address of flatten(obj.value)) seen.add(address);
  }
  return [...seen];
}

// Group syntax (`team: a@x, b@x;`) nests addresses one level down.
function flatten(values: AddressObject['value']): string[] {
  return values.flatMap((v) => (v.group ? flatten(v.group) : v.address ? [v.address.toLowerCase()] : []));
}
