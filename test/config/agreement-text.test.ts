/** Pure: agreement texts hashed, redrafted and diffed; the unified diff is checked by applying it back (jsdiff's applyPatch). */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { applyPatch } from 'diff';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { agreementHash, redraft, unifiedDiff } from '../../src/config/agreement-text.ts';

/** `diff` applied to `before` by jsdiff's `applyPatch` (no fuzz: every context and removed line must match). */
function applyDiff(before: string, diff: string): string {
  if (!diff) return before;
  const out = applyPatch(before, diff);
  if (out === false) throw new Error(`the diff does not apply:\n${diff}`);
  return out;
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

  it('marks a last line without a newline, so a change of the final newline alone shows', () => {
    expect(unifiedDiff('a\nb\n', 'a\nb', names)).toBe(
      ['--- a', '+++ b', '@@ -1,2 +1,2 @@', ' a', '-b', '+b', '\\ No newline at end of file', ''].join('\n'),
    );
    expect(unifiedDiff('', 'x\n', names)).toBe(['--- a', '+++ b', '@@ -0,0 +1,1 @@', '+x', ''].join('\n'));
  });

  it('applied back, turns any text into any other', () => {
    // With or without a final newline: jsdiff marks a last line that has none.
    const text = fc
      .tuple(
        fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'owners:', '  sales: x', ''), { maxLength: 40 }),
        fc.boolean(),
      )
      .map(([ls, newline]) => (ls.length ? `${ls.join('\n')}${newline ? '\n' : ''}` : ''));
    fc.assert(
      fc.property(text, text, (a, b) => {
        expect(applyDiff(a, unifiedDiff(a, b, names))).toBe(b);
      }),
      { numRuns: 400 },
    );
  });
});

describe('redraft and hash', () => {
  it('edits the shipped agreement in place: only the number and the approval dates change', async () => {
    const shipped = await readFile(join(import.meta.dirname, '..', '..', 'mappings', 'agreement.yaml'), 'utf8');
    const changed = unifiedDiff(shipped, redraft(shipped, 9), names)
      .split('\n')
      .filter((l) => /^[-+](?![-+]{2} )/.test(l));
    expect(changed).toEqual([
      '-version: 7',
      '+version: 9',
      '-  marketing: { name: Dana Lee, email: dana@acme.example, approved: 2026-11-01 }',
      '-  sales:     { name: Raj Patel, email: raj@acme.example, approved: 2026-11-03 }',
      '+  marketing: { name: Dana Lee, email: dana@acme.example }',
      '+  sales:     { name: Raj Patel, email: raj@acme.example }',
    ]);
  });

  it('keeps block maps, comments and flow layout; a date first in a flow map goes with its comma', () => {
    const text = [
      '# the handoff',
      'name: X',
      'version: 7   # raise me',
      'owners:',
      '  marketing:',
      '    name: Dana',
      '    # signed by mail',
      '    approved: 2026-11-01  # on paper',
      '    email: d@x.io',
      '  sales: { approved: 2026-11-03, name: Raj, email: r@x.io }',
      'rest: [a, b]     # kept as written',
      '',
    ].join('\n');
    expect(redraft(text, 12)).toBe(
      [
        '# the handoff',
        'name: X',
        'version: 12   # raise me',
        'owners:',
        '  marketing:',
        '    name: Dana',
        '    # signed by mail',
        '    email: d@x.io',
        '  sales: { name: Raj, email: r@x.io }',
        'rest: [a, b]     # kept as written',
        '',
      ].join('\n'),
    );
  });

  it('prints the document when the text has no version to edit in place', () => {
    const draft = redraft('name: X\nowners:\n  sales: { name: R, approved: 2026-11-03 }\n', 3);
    expect(parse(draft)).toEqual({ name: 'X', owners: { sales: { name: 'R' } }, version: 3 });
  });

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
