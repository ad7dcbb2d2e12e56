/**
 * `baton serve` as a real child process against sandbox CRMs served over HTTP, for the tests that
 * break the parts around it (the store, Redis, a CRM) and watch it go on.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { FakeHubSpot } from '../../sandbox/hubspot/index.ts';
import type { FakeSalesforce } from '../../sandbox/salesforce/index.ts';
import { freePort } from './redis-server.ts';

const ROOT = join(import.meta.dirname, '..', '..');

export interface ServeChild {
  port: number;
  /** What serve printed so far. */
  output(): string;
  /** Waits for `check`, failing with the end of serve's output. */
  until(check: () => Promise<boolean> | boolean, ms: number, what: string): Promise<void>;
  /** SIGKILLs it, if it still runs. */
  kill(): Promise<void>;
}

export interface ServeChildOptions {
  databaseUrl: string;
  configDir: string;
  token: string;
  hubspotSecret: string;
  hubspotUrl: string;
  salesforceUrl: string;
  salesforce: FakeSalesforce;
  hubspot?: FakeHubSpot;
  /** More variables (e.g. BATON_REDIS_URL) or overrides. */
  env?: NodeJS.ProcessEnv;
}

/** Starts serve and resolves once `/readyz` answers 200. */
export async function startServeChild(o: ServeChildOptions): Promise<ServeChild> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    BATON_DATABASE_URL: o.databaseUrl,
    BATON_CONFIG_DIR: o.configDir,
    BATON_API_TOKEN: o.token,
    PORT: String(port),
    BATON_POLL_INTERVAL: '0',
    BATON_LOG_LEVEL: 'warn',
    HUBSPOT_ACCESS_TOKEN: 'pat-serve-child',
    HUBSPOT_CLIENT_SECRET: o.hubspotSecret,
    HUBSPOT_BASE_URL: o.hubspotUrl,
    SALESFORCE_INSTANCE_URL: o.salesforceUrl,
    SALESFORCE_ACCESS_TOKEN: 'fake-session-token',
    SALESFORCE_ORG_ID: o.salesforce.org.orgId,
    ...o.env,
  };
  delete env.VITEST;
  delete env.NODE_OPTIONS;
  let output = '';
  const child: ChildProcess = spawn(process.execPath, [join(ROOT, 'bin', 'baton.js'), 'serve'], {
    cwd: ROOT,
    env,
    stdio: 'pipe',
  });
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const until = async (check: () => Promise<boolean> | boolean, ms: number, what: string) => {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      if (await check()) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`timed out waiting for ${what}; serve said:\n${output.slice(-3000)}`);
  };
  const ready = async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null))?.status === 200;
  await until(ready, 30_000, 'serve to be ready');
  return {
    port,
    output: () => output,
    until,
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((ok) => child.once('exit', ok));
      child.kill('SIGKILL');
      await exited;
    },
  };
}
