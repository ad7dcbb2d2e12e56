/** `baton serve` stopped by SIGTERM right after it answers /readyz, while the rest of its start is still running. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { startBaton } from '../../sandbox/demo/baton-process.ts';
import { startSandboxes } from '../../sandbox/demo/servers.ts';

test('a SIGTERM during start-up is a graceful stop (exit 0), not a kill', { timeout: 60_000 }, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'baton-serve-stop-'));
  // slow CRMs keep serve busy with its start (HubSpot owners, heartbeat) after it listens
  const boxes = await startSandboxes({ people: 5, seed: 3, latencyMs: 400 });
  try {
    const baton = await startBaton({
      boxes,
      dataDir,
      pollIntervalS: 0,
      env: { BATON_LOG_LEVEL: 'warn' },
      readyTimeoutMs: 45_000,
    });
    expect(await baton.stop()).toBe(0);
  } finally {
    await boxes.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
