/**
 * Pure: an agreement as text. A version is its text: `agreementHash` names it, `redraft` turns a
 * text into a draft of another number (approval dates removed, edited in place at the positions
 * the `yaml` parser gives, so every other line stays as written), `unifiedDiff` shows what changed between two texts (jsdiff, `diff`).
 */
import { createHash } from 'node:crypto';
import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';
import { isDeepStrictEqual } from 'node:util';
import { isMap, isNode, isScalar, parseDocument, type Document, type YAMLMap } from 'yaml';
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

type Cut = { from: number; to: number; put: string };

/** Where `pair` (an `approved:` entry of `map`, item `i`) sits in the text, separator included. */
function pairCut(text: string, map: YAMLMap, i: number): Cut | null {
  const pair = map.items[i];
  const key = isNode(pair.key) ? pair.key.range : undefined;
  if (!key) return null;
  const end = isNode(pair.value) && pair.value.range ? pair.value.range[1] : key[1];
  if (!map.flow) {
    // A block entry: its whole line(s), up to and with the newline after the value.
    const eol = text.indexOf('\n', end);
    return { from: text.lastIndexOf('\n', key[0] - 1) + 1, to: eol < 0 ? text.length : eol + 1, put: '' };
  }
  const prev = map.items[i - 1];
  const prevEnd =
    prev && (isNode(prev.value) && prev.value.range ? prev.value.range[1] : isNode(prev.key) && prev.key.range?.[1]);
  if (prevEnd) return { from: prevEnd, to: end, put: '' }; // `, approved: …` after the entry before it
  const next = map.items[i + 1];
  const nextStart = next && isNode(next.key) && next.key.range?.[0];
  return { from: key[0], to: nextStart || end, put: '' };
}

/**
 * `text` as a draft numbered `version` (see `redraftDocument`), edited in place so that every
 * other line stays as it was (the `yaml` printer would reflow flow collections and move
 * comments, and a rollback's diff would show them); the printed document when an in-place edit
 * cannot give the same data.
 */
export function redraft(text: string, version: number): string {
  const doc = agreementDocument(text);
  const node = doc.get('version', true);
  const cuts: (Cut | null)[] = [
    isScalar(node) && node.range ? { from: node.range[0], to: node.range[1], put: String(version) } : null,
  ];
  const owners = doc.get('owners');
  if (isMap(owners))
    for (const side of ['marketing', 'sales']) {
      const o = owners.get(side);
      const i = isMap(o) ? o.items.findIndex((p) => isScalar(p.key) && p.key.value === 'approved') : -1;
      if (i >= 0) cuts.push(pairCut(text, o as YAMLMap, i));
    }
  redraftDocument(doc, version);
  if (cuts.some((c) => !c)) return doc.toString();
  let out = text;
  for (const c of (cuts as Cut[]).sort((x, y) => y.from - x.from)) out = out.slice(0, c.from) + c.put + out.slice(c.to);
  const edited = parseDocument(out);
  return !edited.errors.length && isDeepStrictEqual(edited.toJS(), doc.toJS()) ? out : doc.toString();
}

/**
 * A unified diff (`---`/`+++` headers, `@@ -a,b +c,d @@` hunks with `context` lines around each
 * change, `\ No newline at end of file` where a last line has none) from `before` to `after`,
 * by jsdiff; the empty string when they are equal.
 */
export function unifiedDiff(
  before: string,
  after: string,
  names: { before: string; after: string },
  context = 3,
): string {
  if (before === after) return '';
  // FILE_HEADERS_ONLY: no `Index:` line and no `===` underline, only the `---`/`+++` pair.
  return createTwoFilesPatch(names.before, names.after, before, after, undefined, undefined, {
    context,
    headerOptions: FILE_HEADERS_ONLY,
  });
}
