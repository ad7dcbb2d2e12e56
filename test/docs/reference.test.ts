/**
 * The docs name only what exists: every `baton` command and flag they show answers `--help` with
 * it, every environment variable they name is read by the code, every route they name is served by
 * the app — and the reverse: every variable the code reads and every route the app serves is
 * documented.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import type express from 'express';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { PipelineContext } from '../../src/pipeline/context.ts';
import { configJsonSchema } from '../../src/config/json-schema.ts';
import { createMetrics } from '../../src/pipeline/metrics.ts';
import { logger } from '../../src/platform/logger.ts';
import { createApp } from '../../src/server/app.ts';
import { makeTestStore, type TestStore } from '../support/store.ts';
import { codeOf, envNames, invocations, readDocs, ROOT, routeRefs, type RouteRef } from './markdown.ts';

const BIN = join(ROOT, 'bin', 'baton.js');
const run = promisify(execFile);
const docs = readDocs();
const code = docs.map((d) => ({ file: d.file, code: codeOf(d.text) }));

async function help(args: string[]): Promise<string> {
  const r = await run(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, BATON_LOG_LEVEL: 'error' },
    timeout: 30_000,
  });
  return r.stdout + r.stderr;
}

/** The source files under `dirs` (TypeScript and JavaScript), without node_modules. */
function sources(dirs: string[]): { file: string; text: string }[] {
  const out: { file: string; text: string }[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      if (name === 'node_modules') continue;
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.(ts|js)$/.test(name)) out.push({ file: relative(ROOT, path), text: readFileSync(path, 'utf8') });
    }
  };
  for (const d of dirs) walk(join(ROOT, d));
  return out;
}

/** Variables a source reads: `env.NAME`, `env?.NAME`, `env['NAME']`, or a quoted `'BATON_…'` name handed to a reader (other quoted names are CRM constants). */
function envReads(files: { text: string }[]): Set<string> {
  const names = new Set<string>();
  for (const f of files) {
    for (const m of f.text.matchAll(/\benv(?:\?)?(?:\.|\[\s*['"])([A-Z][A-Z0-9_]*)/g))
      if (envNames(m[1]).includes(m[1])) names.add(m[1]);
    for (const m of f.text.matchAll(/['"](BATON_[A-Z0-9_]+)['"]/g)) if (envNames(m[1]).includes(m[1])) names.add(m[1]);
  }
  return names;
}

describe('commands and flags', () => {
  const all = code.flatMap((d) => d.code.flatMap((c) => invocations(c).map((inv) => ({ ...inv, file: d.file }))));

  test('the docs show commands at all (the parser works)', () => {
    expect(all.map((i) => i.command)).toEqual(
      expect.arrayContaining(['serve', 'validate', 'simulate', 'backfill', 'doctor', 'setup']),
    );
    expect(all.find((i) => i.command === 'validate' && i.flags.includes('--schema'))).toBeTruthy();
  });

  test('every documented command exists and takes every flag the docs give it', async () => {
    const usage = await help(['--help']);
    const known = new Set([...usage.matchAll(/^ {2}([a-z][a-z-]*)\s*$/gm)].map((m) => m[1]));
    expect(known.size).toBeGreaterThan(5);
    const problems: string[] = [];
    const helps = new Map<string, string>();
    for (const inv of all) {
      if (!known.has(inv.command)) {
        problems.push(`${inv.file}: \`${inv.text}\`: there is no command '${inv.command}'`);
        continue;
      }
      if (!helps.has(inv.command)) helps.set(inv.command, await help([inv.command, '--help']));
      const text = helps.get(inv.command)!;
      for (const flag of inv.flags) {
        if (flag === '--help') continue;
        if (!new RegExp(`(^|[\\s\\[|])${flag}(?![a-z-])`).test(text))
          problems.push(`${inv.file}: \`${inv.text}\`: baton ${inv.command} has no ${flag}`);
      }
    }
    expect(problems).toEqual([]);
  }, 120_000);
});

describe('environment variables', () => {
  const documented = new Map<string, string>();
  for (const d of docs) for (const name of envNames(d.text)) if (!documented.has(name)) documented.set(name, d.file);
  // What "the code" reads for a user: the service, its connectors and its bin. Tests and benchmarks
  // may read their own variables too; those count as existing when the docs name them.
  const served = envReads(sources(['src', 'connectors', 'bin']));
  const anywhere = envReads(sources(['src', 'connectors', 'bin', 'test', 'bench']));

  test('every variable the docs name is read by the code', () => {
    expect(served.size).toBeGreaterThan(10);
    const unknown = [...documented].filter(([name]) => !anywhere.has(name)).map(([name, file]) => `${file}: ${name}`);
    expect(unknown).toEqual([]);
  });

  test('every variable the code reads is documented', () => {
    expect([...served].filter((name) => !documented.has(name))).toEqual([]);
  });

  // Test-harness switches are not settings of the product.
  const harnessOnly = new Set(['VITEST', 'NODE_OPTIONS', 'BATON_PROFILE_DIR']);
  test.each(['README.md', 'docs/configuration.md'])(
    '%s lists every variable the product reads in its table',
    (file) => {
      const text = docs.find((d) => d.file === file)!.text;
      const rows = new Set([...text.matchAll(/^\| `([A-Z][A-Z0-9_]*)`/gm)].map((m) => m[1]));
      for (const m of text.matchAll(/^\| `[A-Z][A-Z0-9_]*` \+ `([A-Z][A-Z0-9_]*)`/gm)) rows.add(m[1]);
      for (const m of text.matchAll(/^\| `[A-Z][A-Z0-9_]*`, `([A-Z][A-Z0-9_]*)`/gm)) rows.add(m[1]);
      expect([...served].filter((name) => !harnessOnly.has(name) && !rows.has(name))).toEqual([]);
    },
  );
});

describe('configuration keys', () => {
  test('every key of agreement.yaml, fields.yaml, routing.yaml and alerts.yaml is named in docs/configuration.md', () => {
    const keys = new Set<string>();
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(walk);
      if (!node || typeof node !== 'object') return;
      const props = (node as { properties?: Record<string, unknown> }).properties;
      if (props && typeof props === 'object') for (const k of Object.keys(props)) keys.add(k);
      Object.values(node).forEach(walk);
    };
    walk(configJsonSchema().$defs);
    expect(keys.size).toBeGreaterThan(80);
    const reference = codeOf(docs.find((d) => d.file === 'docs/configuration.md')!.text).join('\n');
    expect([...keys].filter((k) => !new RegExp(`(^|[^A-Za-z0-9_])${k}([^A-Za-z0-9_]|$)`).test(reference))).toEqual([]);
  });
});

describe('routes', () => {
  let ts: TestStore;
  let served: RouteRef[] = [];
  const documented = code.flatMap((d) => d.code.flatMap((c) => routeRefs(c).map((r) => ({ ...r, file: d.file }))));

  beforeAll(async () => {
    ts = await makeTestStore();
    const ctx: PipelineContext = {
      store: ts.store,
      connectors: {},
      config: () => null,
      now: () => new Date(),
      instanceId: 'docs',
      metrics: createMetrics('docs'),
      log: logger.child({ module: 'docs-test' }),
    };
    const app = await createApp({ ctx, token: 'docs-token', receivers: {} });
    served = routesOf(app);
  });
  afterAll(async () => ts.cleanup());

  test('every route the docs name is served', () => {
    expect(served.length).toBeGreaterThan(10);
    const missing = documented.filter(
      (d) => !served.some((s) => s.method === d.method && pathPattern(s.path).test(d.path)),
    );
    expect(missing.map((d) => `${d.file}: ${d.method} ${d.path}`)).toEqual([]);
  });

  test('every route the app serves is documented with its own path', () => {
    const undocumented = served.filter((s) => !documented.some((d) => d.method === s.method && d.path === s.path));
    expect(undocumented.map((s) => `${s.method} ${s.path}`)).toEqual([]);
  });
});

/** The method and path of every route of an express 5 app, through the routers it mounts at `/`. */
function routesOf(app: express.Express): RouteRef[] {
  const out: RouteRef[] = [];
  type Layer = { route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: Layer[] } };
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route)
        for (const m of Object.keys(layer.route.methods)) out.push({ method: m.toUpperCase(), path: layer.route.path });
      else if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  return out;
}

/** An express path (`/api/people/:key`) as a pattern a documented path (`:key` or a value) must match. */
function pathPattern(path: string): RegExp {
  return new RegExp(`^${path.replace(/[.*+?^${}()[\]\\]/g, '\\$&').replace(/:[A-Za-z_]+/g, '[^/]+')}$`);
}
