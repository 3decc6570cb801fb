// SMS text that fits one segment. A message in the GSM 03.38 alphabet (7-bit) holds 160 units
// per segment, where the extension characters (€ [ ] { } etc.) take two; one character outside it
// switches the whole message to UCS-2 and 70 characters
// (https://www.twilio.com/docs/glossary/what-is-gsm-7-character-encoding). Alert text comes from
// backup software and people's names, so instead of paying for three segments over one "ł" or an
// emoji, characters outside the alphabet are folded to their base letter (ł → l, ő → o) or to "?".

const BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const EXTENSION = '^{}\\[~]|€\f';
const BASIC_SET = new Set(Array.from(BASIC));
const EXTENSION_SET = new Set(Array.from(EXTENSION));
/** Letters NFKD does not take apart, and typography that has a plain equivalent. */
const FOLD: Record<string, string> = { ł: 'l', Ł: 'L', đ: 'd', Đ: 'D', œ: 'oe', Œ: 'OE', '–': '-', '—': '-', '‘': "'", '’': "'", '“': '"', '”': '"', '…': '...', '\t': ' ' };

export const SEGMENT_UNITS = 160;

/** Units a GSM-7 string takes in a segment (extension characters count twice). */
export function gsmUnits(s: string): number {
  let n = 0;
  for (const c of s) n += EXTENSION_SET.has(c) ? 2 : 1;
  return n;
}

/** The text in the GSM-7 alphabet: accents outside it dropped, other characters as "?". */
export function toGsm(s: string): string {
  let out = '';
  for (const c of s) {
    if (BASIC_SET.has(c) || EXTENSION_SET.has(c)) out += c;
    else if (FOLD[c] !== undefined) out += FOLD[c];
    else {
      const base = c.normalize('NFKD').replace(/\p{M}/gu, '');
      out += Array.from(base).every((b) => BASIC_SET.has(b)) && base !== '' ? base : '?';
    }
  }
  return out.replace(/[\r\n]+/g, ' ');
}

/** At most `units` GSM-7 units, ending in ".." when cut (an ellipsis is not in the alphabet). */
export function cutGsm(s: string, units: number): string {
  if (gsmUnits(s) <= units) return s;
  let out = '';
  for (const c of s) {
    if (gsmUnits(out + c) > units - 2) break;
    out += c;
  }
  return `${out.trimEnd()}..`;
}
