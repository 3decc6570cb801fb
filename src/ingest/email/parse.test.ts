import { describe, expect, it } from 'vitest';
import { parseEmail } from './parse.js';

function message(headers: string[], body: string | Buffer): Buffer {
  const head = Buffer.from(`${headers.join('\r\n')}\r\n\r\n`, 'latin1');
  return Buffer.concat([head, typeof body === 'string' ? Buffer.from(body.replace(/\r?\n/g, '\r\n'), 'latin1') : body]);
}

const BASE = [
  'From: "Veeam Backup" <Backup@Example.COM>',
  'To: Reports@Keepwatch.Example, "Ops" <OPS@example.net>',
  'Cc: Audit@Example.net',
  'Subject: [Success] Nightly (3 VMs)',
  'Date: Mon, 04 Mar 2024 22:31:07 +0100',
  'Message-ID: <abc.123@mail.example.com>',
  'MIME-Version: 1.0',
];

describe('parseEmail', () => {
  it('reads sender, recipients, subject, date and the message id without brackets', async () => {
    const mail = await parseEmail(message([...BASE, 'Content-Type: text/plain; charset=us-ascii'], 'All good.\n'));
    expect(mail.from).toBe('backup@example.com');
    expect(mail.fromName).toBe('Veeam Backup');
    expect(mail.to).toEqual(['reports@keepwatch.example', 'ops@example.net', 'audit@example.net']);
    expect(mail.subject).toBe('[Success] Nightly (3 VMs)');
    expect(mail.date).toBe(Date.UTC(2024, 2, 4, 21, 31, 7));
    expect(mail.messageId).toBe('abc.123@mail.example.com');
    expect(mail.text.trim()).toBe('All good.');
    expect(mail.html).toBeNull();
    expect(mail.attachments).toEqual([]);
  });

  it('puts envelope recipients first, lower-cased, and does not repeat a header recipient', async () => {
    const mail = await parseEmail(message([...BASE, 'Content-Type: text/plain'], 'x\n'), ['Client-42@Keepwatch.Example', 'ops@example.net']);
    expect(mail.to).toEqual(['client-42@keepwatch.example', 'ops@example.net', 'reports@keepwatch.example', 'audit@example.net']);
  });

  it('decodes an 8-bit UTF-8 body', async () => {
    const body = Buffer.from('Sicherung erfolgreich: Größe 2,5 GB – ok\r\n', 'utf8');
    const mail = await parseEmail(message([...BASE, 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit'], body));
    expect(mail.text).toContain('Größe 2,5 GB – ok');
  });

  it('decodes a quoted-printable body with soft line breaks', async () => {
    const body = 'Termination:            Backup OK -- with warnings, caf=C3=A9 and a very lon=\ng line\n';
    const mail = await parseEmail(message([...BASE, 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: quoted-printable'], body));
    expect(mail.text).toContain('Backup OK -- with warnings, café and a very long line');
  });

  it('decodes a base64 body', async () => {
    const encoded = Buffer.from('snapshot 0b897a00 saved\n', 'utf8').toString('base64');
    const mail = await parseEmail(message([...BASE, 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: base64'], `${encoded}\n`));
    expect(mail.text.trim()).toBe('snapshot 0b897a00 saved');
  });

  it('decodes ISO-8859-1 and Windows-1252 bodies', async () => {
    const latin1 = await parseEmail(message([...BASE, 'Content-Type: text/plain; charset=ISO-8859-1'], Buffer.from('Sauvegarde réussie\r\n', 'latin1')));
    expect(latin1.text).toContain('Sauvegarde réussie');
    // 0x80 is the euro sign and 0x93/0x94 curly quotes in Windows-1252, control codes in Latin-1.
    const cp1252 = Buffer.from([0x43, 0x6f, 0x73, 0x74, 0x20, 0x80, 0x35, 0x20, 0x93, 0x6f, 0x6b, 0x94, 0x0d, 0x0a]);
    const win = await parseEmail(message([...BASE, 'Content-Type: text/plain; charset=windows-1252', 'Content-Transfer-Encoding: 8bit'], cp1252));
    expect(win.text).toContain('Cost €5 “ok”');
  });

  it('decodes an encoded-word subject and folds a multi-line subject into one line', async () => {
    const headers = BASE.filter((h) => !h.startsWith('Subject')).concat(['Subject: =?utf-8?Q?[Warning]_S=C3=BCd?=\r\n (2 VMs)', 'Content-Type: text/plain']);
    const mail = await parseEmail(message(headers, 'x\n'));
    expect(mail.subject).toBe('[Warning] Süd (2 VMs)');
  });

  it('converts an HTML-only message to text, keeping table rows on one line each', async () => {
    const html = '<html><body><h2>Backup job: Nightly</h2><table><tr><td><b>Name</b></td><td><b>Status</b></td></tr><tr><td>web01</td><td>Success</td></tr></table><p>Size &amp; more</p></body></html>';
    const mail = await parseEmail(message([...BASE, 'Content-Type: text/html; charset=utf-8'], html));
    expect(mail.html).toContain('<table>');
    expect(mail.text.split('\n')).toEqual(expect.arrayContaining(['Backup job: Nightly', 'Name\tStatus', 'web01\tSuccess', 'Size & more']));
  });

  it('prefers the text part of a multipart/alternative message and keeps the HTML beside it', async () => {
    const body = [
      '--b1',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'plain version',
      '--b1',
      'Content-Type: text/html; charset=utf-8',
      '',
      '<p>html version</p>',
      '--b1--',
      '',
    ].join('\n');
    const mail = await parseEmail(message([...BASE, 'Content-Type: multipart/alternative; boundary="b1"'], body));
    expect(mail.text.trim()).toBe('plain version');
    expect(mail.html).toContain('html version');
  });

  it('lists attachments by name, type and size without keeping their contents', async () => {
    const log = Buffer.from('line one\nline two\n').toString('base64');
    const body = [
      '--mix',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'see log',
      '--mix',
      'Content-Type: text/plain; name="job.log"',
      'Content-Disposition: attachment; filename="job.log"',
      'Content-Transfer-Encoding: base64',
      '',
      log,
      '--mix--',
      '',
    ].join('\n');
    const mail = await parseEmail(message([...BASE, 'Content-Type: multipart/mixed; boundary="mix"'], body));
    expect(mail.text.trim()).toBe('see log');
    expect(mail.attachments).toEqual([{ filename: 'job.log', contentType: 'text/plain', size: 18 }]);
    expect(Object.keys(mail.attachments[0]!)).not.toContain('content');
  });

  it('answers nulls and empties for a message with almost no headers', async () => {
    const mail = await parseEmail(Buffer.from('\r\n\r\n'));
    expect(mail).toMatchObject({ messageId: null, from: '', fromName: null, to: [], subject: '', date: null, text: '', html: null });
  });
});
