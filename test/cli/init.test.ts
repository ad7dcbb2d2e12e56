/** `baton init` through the CLI entry: a starter configuration that validates as a draft, never overwriting a file. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkConfig } from '../../src/config/load.ts';
import { liveConfig } from '../../src/pipeline/live-config.ts';
import { logger } from '../../src/platform/logger.ts';
import { makeTestStore } from '../support/store.ts';
import { runBaton } from '../support/run-baton.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const baton = (args: string[]) => runBaton(args);

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'baton-init-'));
  dirs.push(d);
  return d;
}

describe('baton init', () => {
  it('writes a draft agreement, fields.yaml and a commented-out routing.yaml that baton validate accepts', async () => {
    const dir = join(tempDir(), 'config');
    const r = await baton(['init', dir]);
    expect(r.code).toBe(0);
    for (const f of ['agreement.yaml', 'fields.yaml', 'routing.yaml'])
      expect(r.out).toContain(`wrote    ${join(dir, f)}`);
    expect(r.out).toMatch(
      /Next steps:[\s\S]*baton validate --config[\s\S]*baton doctor --config[\s\S]*baton setup hubspot --project[\s\S]*approved:/,
    );

    const v = await baton(['validate', '--config', dir]);
    expect(v.code).toBe(0);
    expect(v.out).toMatch(/^ok: agreement 'Our lead handoff' v1, 12 fields$/m);
    expect(v.out).toMatch(
      /warning: draft agreement 'Our lead handoff' v1: neither marketing nor sales has approved it/,
    );

    const { config } = await checkConfig(dir);
    expect(config?.routing).toBeNull();
    expect(config?.agreement.owners.marketing.approved).toBeUndefined();
    expect(readFileSync(join(dir, 'agreement.yaml'), 'utf8')).toMatch(/DECIDE/);
    expect(
      readFileSync(join(dir, 'routing.yaml'), 'utf8')
        .split('\n')
        .every((l) => l === '' || l.startsWith('#')),
    ).toBe(true);
  });

  it('is refused by serve’s live configuration until both owners approve', async () => {
    const dir = join(tempDir(), 'config');
    await baton(['init', dir]);
    const ts = await makeTestStore();
    try {
      const live = liveConfig(dir, ts.store, logger);
      const outcome = await live.reload();
      expect(outcome.ok).toBe(false);
      expect(live.refused()?.draft).toEqual({ version: 1, missing: ['marketing', 'sales'] });
    } finally {
      await ts.cleanup();
    }
  });

  it('never overwrites a file that exists', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'fields.yaml'), '# mine\n');
    const r = await baton(['init', dir]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`kept     ${join(dir, 'fields.yaml')} (exists; not overwritten)`);
    expect(readFileSync(join(dir, 'fields.yaml'), 'utf8')).toBe('# mine\n');
    const again = await baton(['init', dir]);
    expect(again.out.match(/^kept /gm)).toHaveLength(3);
  });
});
