/**
 * Pure: an agreement as text. A version is its text: `agreementHash` names it, `redraft` turns a
 * text into a draft of another number (approval dates removed, comments and layout kept, through
 * the `yaml` Document API), `unifiedDiff` shows what changed between two texts (jsdiff, `diff`).
 */
import { createHash } from 'node:crypto';
import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';
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
