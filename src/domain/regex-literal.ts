// The longest run of plain characters every match of a regular expression must contain, so a
// message can be ruled out with a substring test before the (much slower) RE2 engine runs: an
// inbox with 50 checks whose subject rules are regexes otherwise runs 50 RE2 searches per mail.
// Conservative by construction: any construct it does not fully understand ends the run, a
// top-level alternation gives up, and only ASCII literals of 3+ characters are answered.

/** The required literal, lower case, or null when there is none worth testing for. */
export function requiredLiteral(pattern: string): string | null {
  let best = '';
  let run = '';
  let depth = 0;
  const end = () => {
    if (run.length > best.length) best = run;
    run = '';
  };
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    let literal: string | null = null;
    if (c === '\\') {
      const next = pattern[++i];
      // A trailing backslash, `\Q…\E` quoting: not worth understanding here.
      if (next === undefined || next === 'Q' || next === 'E') return null;
      // `\.` is a dot; `\d`, `\b`, `\x41`, `\p{L}` are classes, assertions or codes: they end a run.
      if (/[^A-Za-z0-9]/.test(next)) literal = next;
    } else if (c === '[') {
      i = classEnd(pattern, i);
      if (i < 0) return null;
    } else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (depth === 0 && c === '|') return null;
    else if (c === '{') {
      // A repetition of what came before (already ended, see below); its bounds are skipped.
      i = pattern.indexOf('}', i);
      if (i < 0) return null;
    } else if (!'.^$*+?'.includes(c)) literal = c;
    // Inside a group nothing is required for sure (it may be optional or one of alternatives); a
    // character made optional or repeated by a quantifier after it cannot be part of a run.
    if (literal !== null && depth === 0 && !quantified(pattern, i + 1)) run += literal;
    else end();
  }
  if (depth !== 0) return null;
  end();
  return best.length >= 3 && /^[ -~]+$/.test(best) ? best.toLowerCase() : null;
}

function quantified(pattern: string, at: number): boolean {
  const c = pattern[at];
  return c === '*' || c === '+' || c === '?' || c === '{';
}

/** Index of the `]` that closes the class opened at `open`, or -1. */
function classEnd(pattern: string, open: number): number {
  let i = open + 1;
  if (pattern[i] === '^') i++;
  if (pattern[i] === ']') i++;
  for (; i < pattern.length; i++) {
    if (pattern[i] === '\\') i++;
    else if (pattern[i] === '[' && pattern[i + 1] === ':') {
      const close = pattern.indexOf(':]', i + 2);
      if (close < 0) return -1;
      i = close + 1;
    } else if (pattern[i] === ']') return i;
  }
  return -1;
}

/** True when `text` may match: false only when it certainly cannot contain the literal. Text with
 * non-ASCII characters is never ruled out (RE2's case folding and JavaScript's lower-casing differ
 * there, e.g. `ſ` and `s`). */
export function mayContain(text: string, literal: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the test is for ASCII as such
  if (/[^\x00-\x7f]/.test(text)) return true;
  return text.toLowerCase().includes(literal);
}
