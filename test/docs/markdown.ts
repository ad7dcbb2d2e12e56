/**
 * Reads the repository's documentation as a new user would: the README and `docs/*.md`, their code
 * (inline spans and fenced blocks), and what they name — `baton` commands with their flags,
 * environment variables and HTTP routes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');

export interface Doc {
  file: string;
  text: string;
}

/** The README and every `docs/*.md`. */
export function readDocs(): Doc[] {
  const docs = readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`);
  return ['README.md', ...docs].map((file) => ({ file, text: readFileSync(join(ROOT, file), 'utf8') }));
}

export interface Fence {
  lang: string;
  body: string;
  /** 1-based line of the opening fence. */
  line: number;
}

/** The fenced code blocks of a Markdown text, in order. */
export function fences(text: string): Fence[] {
  const out: Fence[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^\s*```(\S*)\s*$/.exec(lines[i]);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^\s*```\s*$/.test(lines[i]); i++) body.push(lines[i]);
    out.push({ lang: open[1], body: body.join('\n'), line: start + 1 });
  }
  return out;
}

/** Every piece of code: each line of a fenced block, and each inline `span` of the prose. */
export function codeOf(text: string): string[] {
  const blocks = fences(text);
  const inFence = new Set<number>();
  for (const f of blocks) for (let l = f.line; l <= f.line + f.body.split('\n').length + 1; l++) inFence.add(l);
  const prose = text
    .split('\n')
    .filter((_, i) => !inFence.has(i + 1))
    .join('\n');
  const spans = [...prose.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]);
  return [...blocks.flatMap((f) => f.body.split('\n')), ...spans];
}

export interface Invocation {
  command: string;
  flags: string[];
  text: string;
}

/** `baton CMD ... --flag` invocations in code, up to a comment, a pipe, a redirect or the next command. */
export function invocations(code: string): Invocation[] {
  const out: Invocation[] = [];
  for (const m of code.matchAll(/(?:^|[\s(])(?:npx\s+)?baton\s+([a-z][a-z-]*)([^\n]*)/g)) {
    // `\|` is a table's escaped bar between alternatives; a bare ` | `, `#`, `>`, `&&` or `;` ends the command.
    const rest = m[2].split(/\s#\s|\s\|\s|\s>\s|&&|;/)[0];
    out.push({
      command: m[1],
      flags: [...new Set([...rest.matchAll(/(?:^|[\s[|(])(--[a-z][a-z0-9-]*)/g)].map((f) => f[1]))],
      text: `baton ${m[1]}${rest}`.trim(),
    });
  }
  return out;
}

const ENV = /\b((?:BATON|HUBSPOT|SALESFORCE)_[A-Z0-9_]*[A-Z0-9]|PORT)\b/g;

/** Environment variable names in a text: `BATON_*`, `HUBSPOT_*`, `SALESFORCE_*` and `PORT`. */
export function envNames(text: string): string[] {
  return [...new Set([...text.matchAll(ENV)].map((m) => m[1]))];
}

export interface RouteRef {
  method: string;
  path: string;
}

/** `METHOD /path` references in code; a query string or a trailing punctuation is not part of the path. */
export function routeRefs(code: string): RouteRef[] {
  return [...code.matchAll(/(?:^|[\s(])(GET|POST|PUT|PATCH|DELETE)\s+(\/[^\s`?|,)]*)/g)].map((m) => ({
    method: m[1],
    path: m[2],
  }));
}
