/** Pure: agreement texts hashed, redrafted and diffed; the unified diff is checked by applying it back. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { agreementHash, redraft, unifiedDiff } from '../../src/config/agreement-text.ts';

/** Applies a unified diff from `unifiedDiff` to `before` (strict: every context and removed line must match). */
function applyDiff(before: string, diff: string): string {
  if (!diff) return before;
  const lines = before.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const out: string[] = [];
  let at = 0;
  const body = diff.replace(/\n$/, '').split('\n').slice(2);
  for (const l of body) {
    const hunk = /^@@ -(\d+),(\d+) \+\d+,\d+ @@$/.exec(l);
    if (hunk) {
      const start = Number(hunk[2]) === 0 ? Number(hunk[1]) : Number(hunk[1]) - 1;
      while (at < start) out.push(lines[at++]);
      continue;
    }
    const text = l.slice(1);
    if (l[0] === '+') out.push(text);
    else {
      if (lines[at] !== text) throw new Error(`line ${at + 1}: expected '${text}', found '${lines[at]}'`);
      if (l[0] === ' ') out.push(text);
      at++;
    }
  }
  while (at < lines.length) out.push(lines[at++]);
  return out.length ? `${out.join('\n')}\n` : '';
}

const names = { before: 'a', after: 'b' };

describe('unifiedDiff', () => {
  it('shows a change with three lines of context and hunk headers', () => {
    const before = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12'].join('\n') + '\n';
    const after = before.replace('6\n', 'six\n').replace('12\n', '12\n13\n');
    expect(unifiedDiff(before, after, names)).toBe(
      [
        '--- a',
        '+++ b',
        '@@ -3,10 +3,11 @@',
        ' 3',
        ' 4',
        ' 5',
        '-6',
        '+six',
        ' 7',
        ' 8',
        ' 9',
        ' 10',
        ' 11',
        ' 12',
        '+13',
        '',
      ].join('\n'),
    );
    expect(unifiedDiff(before, before, names)).toBe('');
  });

  it('applied back, turns any text into any other', () => {
    const text = fc
      .array(fc.constantFrom('a', 'b', 'c', 'd', 'owners:', '  sales: x', ''), { maxLength: 40 })
      .map((ls) => (ls.length ? `${ls.join('\n')}\n` : ''));
    fc.assert(
      fc.property(text, text, (a, b) => {
        expect(applyDiff(a, unifiedDiff(a, b, names))).toBe(b);
      }),
      { numRuns: 400 },
    );
  });
});

describe('redraft and hash', () => {
  it('sets the version and removes both approval dates, keeping comments', () => {
    const text = [
      'name: X # the name',
      'version: 7',
      'owners:',
      '  marketing: { name: Dana, email: d@x.io, approved: 2026-11-01 }',
      '  sales: { name: Raj, email: r@x.io, approved: 2026-11-03 }',
      '',
    ].join('\n');
    const draft = redraft(text, 9);
    expect(draft).toContain('name: X # the name');
    expect(draft).toContain('version: 9');
    expect(draft).not.toContain('approved');
    expect(agreementHash(draft)).not.toBe(agreementHash(text));
    expect(agreementHash(text)).toMatch(/^[0-9a-f]{64}$/);
  });
});
