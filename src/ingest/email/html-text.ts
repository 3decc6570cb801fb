// HTML to plain text for mail bodies. Tables come out one row per line with cells separated by a
// tab, so a report table (a Veeam job mail, a vzdump HTML part) stays machine-readable and a user's
// "body contains" rule still sees the words. No line wrapping: rules and templates match whole lines.
import { compile, type FormatCallback } from 'html-to-text';

const tableRow: FormatCallback = (elem, walk, builder) => {
  builder.openBlock({ leadingLineBreaks: 1 });
  walk(elem.children, builder);
  builder.closeBlock({ trailingLineBreaks: 1 });
};

// A literal tab survives html-to-text's whitespace collapsing; the trailing one is trimmed below.
const tableCell: FormatCallback = (elem, walk, builder) => {
  walk(elem.children, builder);
  builder.addLiteral('\t');
};

const OPTIONS = {
  wordwrap: false as const,
  formatters: { tableRow, tableCell },
  selectors: [
    { selector: 'a', options: { ignoreHref: true } },
    { selector: 'img', format: 'skip' },
    { selector: 'table', format: 'block', options: { leadingLineBreaks: 1, trailingLineBreaks: 1 } },
    { selector: 'tr', format: 'tableRow' },
    { selector: 'td', format: 'tableCell' },
    { selector: 'th', format: 'tableCell' },
    { selector: 'h1', options: { uppercase: false } },
    { selector: 'h2', options: { uppercase: false } },
    { selector: 'h3', options: { uppercase: false } },
  ],
};

// Compiled once: html-to-text's convert() would rebuild its selector tables on every call.
const convert = compile(OPTIONS);

export function htmlToText(html: string): string {
  const text = convert(html);
  return text
    .split('\n')
    .map((line) => line.replace(/[ \t]+$/, ''))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
