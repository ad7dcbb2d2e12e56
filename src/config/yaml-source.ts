/**
 * One configuration file as parsed YAML: its plain data plus the node tree, so every problem can be
 * reported at the line and column of the node that caused it.
 */
import { LineCounter, isMap, isPair, isScalar, isSeq, parseDocument, visit } from 'yaml';
import type { Document, Node, Pair } from 'yaml';
import type { ConfigProblem } from '../platform/errors.ts';

export type PathSegment = string | number;
export type ConfigPath = readonly PathSegment[];

/** Which part of a node a problem points at. */
export type Anchor = 'key' | 'value' | 'mapping';

export interface YamlSource {
  /** The file name as shown to the user. */
  file: string;
  text: string;
  doc: Document.Parsed;
  lineCounter: LineCounter;
  /** The plain data (undefined when the YAML itself is broken). */
  data: unknown;
  /** YAML syntax problems (duplicate keys included); when present, `data` is undefined. */
  problems: ConfigProblem[];
  warnings: string[];
}

/** Parses YAML text; syntax errors become problems at the offset where the parser stopped. */
export function parseYamlSource(file: string, text: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const source: YamlSource = { file, text, doc, lineCounter, data: undefined, problems: [], warnings: [] };
  for (const err of doc.errors) {
    const { line, col } = linePos(source, err.pos[0]);
    source.problems.push({ file, line, col, message: yamlMessage(err.code, err.message) });
    // After the first syntax error the parser's further complaints are mostly echoes of it.
    if (err.code !== 'DUPLICATE_KEY') break;
  }
  for (const w of doc.warnings) {
    const { line, col } = linePos(source, w.pos[0]);
    source.warnings.push(`${file}:${line}:${col}: warning: ${yamlMessage(w.code, w.message)}`);
  }
  if (source.problems.length === 0) {
    try {
      source.data = doc.toJS({ maxAliasCount: 1000 });
    } catch (err) {
      // Unresolvable aliases surface only when the data is built; point at the first one.
      const { line, col } = linePos(source, unresolvedAliasOffset(doc) ?? 0);
      source.problems.push({ file, line, col, message: `YAML error: ${(err as Error).message}` });
    }
  }
  return source;
}

function unresolvedAliasOffset(doc: Document.Parsed): number | undefined {
  let offset: number | undefined;
  visit(doc, {
    Alias(_, alias) {
      if (alias.resolve(doc) === undefined) {
        offset = alias.range?.[0];
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return offset;
}

function yamlMessage(code: string, message: string): string {
  // The parser's own text repeats the position and a source excerpt; the first line is enough.
  const first = message.split('\n')[0].replace(/ at line \d+, column \d+:?\s*$/, '');
  if (code === 'DUPLICATE_KEY') return 'key given twice (YAML keys must be unique in a mapping)';
  return `YAML syntax error: ${first}`;
}

/** 1-based line and column of a character offset. */
export function linePos(source: YamlSource, offset: number): { line: number; col: number } {
  const pos = source.lineCounter.linePos(Math.max(0, Math.min(offset, source.text.length)));
  // LineCounter reports line 0 before its first newline entry; that is line 1.
  return pos.line === 0 ? { line: 1, col: offset + 1 } : pos;
}

interface Located {
  key?: Node;
  value?: Node | null;
}

function pairFor(map: unknown, seg: PathSegment): Pair | undefined {
  if (!isMap(map)) return undefined;
  for (const item of map.items) {
    if (isPair(item) && isScalar(item.key) && String(item.key.value) === String(seg)) return item as Pair;
  }
  return undefined;
}

/** The deepest nodes along `path`: the node at the full path when it exists, else the last one found. */
function walk(source: YamlSource, path: ConfigPath): { found: Located; depth: number; ancestor: Node | null } {
  let current: unknown = source.doc.contents;
  let ancestor: Node | null = (source.doc.contents as Node | null) ?? null;
  let found: Located = { value: ancestor };
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    if (isSeq(current) && typeof seg === 'number') {
      const item = current.items[seg] as Node | undefined;
      if (item === undefined) return { found: {}, depth: i, ancestor };
      found = { value: item };
    } else {
      const pair = pairFor(current, seg);
      if (!pair) return { found: {}, depth: i, ancestor };
      found = { key: pair.key as Node, value: (pair.value as Node | null) ?? null };
    }
    current = found.value;
    if (found.value) ancestor = found.value;
    else if (found.key) ancestor = found.key;
  }
  return { found, depth: path.length, ancestor };
}

function startOf(node: Node | null | undefined): number | undefined {
  const range = node?.range;
  return range ? range[0] : undefined;
}

/** `file:line:col` of the node at `path`: its key, its value, or the mapping itself. */
export function positionOf(source: YamlSource, path: ConfigPath, anchor: Anchor): { line: number; col: number } {
  const { found, depth, ancestor } = walk(source, path);
  let offset: number | undefined;
  if (depth === path.length) {
    if (anchor === 'key') offset = startOf(found.key) ?? startOf(found.value);
    else offset = startOf(found.value) ?? startOf(found.key);
  }
  offset ??= startOf(ancestor) ?? 0;
  return linePos(source, offset);
}

/** A problem at the node of `path`. */
export function problemAt(source: YamlSource, path: ConfigPath, anchor: Anchor, message: string): ConfigProblem {
  const { line, col } = positionOf(source, path, anchor);
  return { file: source.file, line, col, message };
}

/** `score.fit.rules[0].if`: a path as a person reads it. */
export function formatPath(path: ConfigPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${seg}` : seg;
  }
  return out;
}
