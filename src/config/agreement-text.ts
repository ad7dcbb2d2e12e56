/**
 * Pure: an agreement as text. A version is its text: `agreementHash` names it, `redraft` turns a
 * text into a draft of another number (approval dates removed, comments and layout kept, through
 * the `yaml` Document API), `unifiedDiff` shows what changed between two texts.
 */
import { createHash } from 'node:crypto';
import { isMap, isScalar, parseDocument, type Document } from 'yaml';
import { BatonError } from '../platform/errors.ts';

/** The sha256 (hex) of an agreement's text: the identity of a version and what an approval is bound to. */
export function agreementHash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The first 12 hex digits, as notices and the dashboard show a hash. */
export const shortHash = (hash: string): string => hash.slice(0, 12);

/** Parses an agreement's text for editing; `bad_file` when it does not parse. */
export function agreementDocument(text: string): Document {
  const doc = parseDocument(text);
  if (doc.errors.length) throw new BatonError('bad_file', `the agreement does not parse: ${doc.errors[0].message}`);
  return doc;
}

/** `doc` as a draft numbered `version`: both `owners.*.approved` dates removed (a draft is approved afresh). */
export function redraftDocument(doc: Document, version: number): void {
  const owners = doc.get('owners');
  if (isMap(owners))
    for (const side of ['marketing', 'sales']) {
      const o = owners.get(side);
      if (isMap(o)) o.delete('approved');
    }
  const node = doc.get('version', true);
  if (isScalar(node)) node.value = version;
  else doc.set('version', version);
}

/** `text` as a draft numbered `version` (see `redraftDocument`). */
export function redraft(text: string, version: number): string {
  const doc = agreementDocument(text);
  redraftDocument(doc, version);
  return doc.toString();
}

type Op = { kind: ' ' | '-' | '+'; line: string };

/** The line edit script from `a` to `b` by longest common subsequence (agreement files are a few hundred lines). */
function editScript(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  // lcs[i][j]: the LCS length of a[i..] and b[j..], one flat array.
  const lcs = new Uint32Array((n + 1) * (m + 1));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      lcs[i * (m + 1) + j] =
        a[i] === b[j]
          ? lcs[(i + 1) * (m + 1) + j + 1] + 1
          : Math.max(lcs[(i + 1) * (m + 1) + j], lcs[i * (m + 1) + j + 1]);
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      ops.push({ kind: ' ', line: a[i++] });
      j++;
    } else if (lcs[(i + 1) * (m + 1) + j] >= lcs[i * (m + 1) + j + 1]) ops.push({ kind: '-', line: a[i++] });
    else ops.push({ kind: '+', line: b[j++] });
  }
  while (i < n) ops.push({ kind: '-', line: a[i++] });
  while (j < m) ops.push({ kind: '+', line: b[j++] });
  return ops;
}

const linesOf = (text: string): string[] => {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
};

/**
 * A unified diff (`---`/`+++` headers, `@@ -a,b +c,d @@` hunks with `context` lines around each
 * change) from `before` to `after`; the empty string when they are equal.
 */
export function unifiedDiff(
  before: string,
  after: string,
  names: { before: string; after: string },
  context = 3,
): string {
  if (before === after) return '';
  const ops = editScript(linesOf(before), linesOf(after));
  const out = [`--- ${names.before}`, `+++ ${names.after}`];
  // Each op's line number on either side, to head the hunks.
  const oldNo: number[] = [];
  const newNo: number[] = [];
  let o = 1;
  let nn = 1;
  for (const op of ops) {
    oldNo.push(o);
    newNo.push(nn);
    if (op.kind !== '+') o++;
    if (op.kind !== '-') nn++;
  }
  let k = 0;
  while (k < ops.length) {
    while (k < ops.length && ops[k].kind === ' ') k++;
    if (k === ops.length) break;
    const start = Math.max(0, k - context);
    let end = k;
    // Extend over changes closer than 2 × context lines of equal text apart.
    for (;;) {
      while (end < ops.length && ops[end].kind !== ' ') end++;
      let next = end;
      while (next < ops.length && ops[next].kind === ' ') next++;
      if (next < ops.length && next - end <= 2 * context) end = next;
      else break;
    }
    const stop = Math.min(ops.length, end + context);
    const hunk = ops.slice(start, stop);
    const oldLen = hunk.filter((x) => x.kind !== '+').length;
    const newLen = hunk.filter((x) => x.kind !== '-').length;
    const oldStart = oldLen ? oldNo[start] : oldNo[start] - 1;
    const newStart = newLen ? newNo[start] : newNo[start] - 1;
    out.push(`@@ -${oldStart},${oldLen} +${newStart},${newLen} @@`);
    for (const x of hunk) out.push(`${x.kind}${x.line}`);
    k = stop;
  }
  return `${out.join('\n')}\n`;
}
