/** Broken configurations for the validator's tests: the shipped files copied to a temp dir, then edited as text. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SHIPPED = join(import.meta.dirname, '..', '..', 'mappings');
export const ROUTING_EXAMPLE = join(import.meta.dirname, '..', '..', 'docs', 'routing.example.yaml');

export type FileName = 'agreement.yaml' | 'fields.yaml' | 'routing.yaml' | 'alerts.yaml';
/** A text edit: replace the first `from` (which must occur) by `to`; `to: null` deletes the file. */
export interface Edit {
  file: FileName;
  from?: string;
  to: string | null;
}

const dirs: string[] = [];

/** A temp config folder with the shipped files (and, with `routing`, the routing example), edited. */
export function configDir(edits: Edit[] = [], options: { routing?: boolean } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'baton-config-'));
  dirs.push(dir);
  const texts = new Map<FileName, string | null>([
    ['agreement.yaml', readFileSync(join(SHIPPED, 'agreement.yaml'), 'utf8')],
    ['fields.yaml', readFileSync(join(SHIPPED, 'fields.yaml'), 'utf8')],
  ]);
  if (options.routing) texts.set('routing.yaml', readFileSync(ROUTING_EXAMPLE, 'utf8'));
  for (const e of edits) {
    const text = texts.get(e.file);
    if (e.to === null) texts.set(e.file, null);
    else if (e.from === undefined) texts.set(e.file, e.to);
    else {
      if (text == null || !text.includes(e.from)) throw new Error(`fixture: '${e.from}' is not in ${e.file}`);
      texts.set(e.file, text.replace(e.from, e.to));
    }
  }
  for (const [name, text] of texts) if (text !== null) writeFileSync(join(dir, name), text);
  return dir;
}

/** Removes every folder `configDir` made. */
export function cleanConfigDirs(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}
