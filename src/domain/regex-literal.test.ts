import { describe, expect, it } from 'vitest';
import { RE2JS } from 're2js';
import { mayContain, requiredLiteral } from './regex-literal.js';

describe('requiredLiteral', () => {
  it.each([
    ['^\\[(Success|Warning|Failed)\\] Nightly 7$', '] nightly 7'],
    ['Backup job: (.*) completed', 'backup job: '],
    ['colou?r report', 'r report'],
    ['abc+def', 'def'],
    ['a{2,3}bcdx', 'bcdx'],
    ['[a-z]+ failed on \\w+', ' failed on '],
    ['server\\.example\\.com', 'server.example.com'],
    ['(?i)WEEKLY summary', 'weekly summary'],
    ['[]abc]xyz12', 'xyz12'],
  ])('%s → %s', (pattern, literal) => {
    expect(requiredLiteral(pattern)).toBe(literal);
  });

  it.each(['a|bcdef', 'ab', '(foo|bar)', '\\Qa.b\\E', 'x\\d\\d', '(unclosed', 'é-accentué'])('%s → none', (pattern) => {
    expect(requiredLiteral(pattern)).toBeNull();
  });

  it('never rules out a text the regex matches', () => {
    const patterns = ['^\\[(Success|Warning|Failed)\\] Nightly 7$', 'colou?r report', 'abc+def', 'a{2,3}bcdx', 'job (\\d+) of (\\S+) done', 'x\\.y\\.z+w'];
    const texts = ['[Success] Nightly 7', '[failed] NIGHTLY 7', 'color report', 'colour REPORT', 'abccccdef', 'aabcdx', 'aaabcdx', 'job 12 of srv done', 'x.y.zzzw', 'Nightly 7 ſ'];
    for (const p of patterns) {
      const lit = requiredLiteral(p);
      const re = RE2JS.compile(p, RE2JS.CASE_INSENSITIVE);
      for (const t of texts) if (re.matcher(t).find() && lit !== null) expect(mayContain(t, lit), `${p} on ${t}`).toBe(true);
    }
  });
});

describe('mayContain', () => {
  it('rules out ASCII text without the literal, never text with other characters', () => {
    expect(mayContain('[Success] Nightly 8', '] nightly 7')).toBe(false);
    expect(mayContain('[Success] NIGHTLY 7', '] nightly 7')).toBe(true);
    expect(mayContain('[Succéss] Nightly 8', '] nightly 7')).toBe(true);
  });
});
