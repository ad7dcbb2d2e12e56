/**
 * Runs `baton serve` as a real child process (`node bin/baton.js serve`) against the sandboxes,
 * on the embedded SQLite store, with the environment an operator would set — and stops it the
 * way an orchestrator would: SIGTERM, then SIGKILL if it does not finish in time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BatonError } from '../../src/platform/errors.ts';
import type { Sandboxes } from './servers.ts';
import { sleep } from '../../src/platform/sleep.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = join(ROOT, 'bin', 'baton.js');

export interface BatonProcessOptions {
  boxes: Sandboxes;
  /** The demo's data directory: `demo.db` and `serve.log` go there. */
  dataDir: string;
  /** HTTP port; a free one when absent. */
  port?: number;
  /** `BATON_POLL_INTERVAL` in seconds (default 5). */
  pollIntervalS?: number;
  /** `BATON_CONFIG_DIR` (default the repository's `mappings/`). */
  configDir?: string;
  /** Extra environment, e.g. `BATON_LOG_LEVEL`. */
  env?: Record<string, string>;
  /** How long to wait for `/readyz` (ms, default 30 s). */
  readyTimeoutMs?: number;
}

export interface BatonProcess {
  url: string;
  port: number;
  apiToken: string;
  webhookSecret: string;
  clientSecret: string;
  logFile: string;
  child: ChildProcess;
  /** The last lines serve wrote, for error messages. */
  tail(): string;
  /** SIGTERM, wait up to `graceMs` for a clean exit, then SIGKILL; resolves to the exit code. */
  stop(graceMs?: number): Promise<number | null>;
}

/** A port nobody listens on right now (the child binds it a moment later; a clash is retried). */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolvePort(port));
    });
  });
}

const secret = (prefix: string) => `${prefix}${randomBytes(18).toString('base64url')}`;

/** Starts serve and resolves once `/readyz` answers 200; retries on a fresh port if a chosen free port was taken meanwhile. */
export async function startBaton(options: BatonProcessOptions): Promise<BatonProcess> {
  const attempts = options.port ? 1 : 3;
  let last: unknown;
  for (let i = 0; i < attempts; i++) {
    const port = options.port ?? (await freePort());
    try {
      return await startOnce(options, port);
    } catch (err) {
      last = err;
      if (!(err instanceof BatonError && err.code === 'port_in_use') || options.port) throw err;
    }
  }
  throw last;
}

async function startOnce(options: BatonProcessOptions, port: number): Promise<BatonProcess> {
  const { boxes } = options;
  const url = `http://127.0.0.1:${port}`;
  const apiToken = secret('demo-');
  const webhookSecret = secret('whsec-');
  const clientSecret = secret('hsapp-');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    BATON_DATABASE_URL: `sqlite:${join(options.dataDir, 'demo.db')}`,
    BATON_CONFIG_DIR: options.configDir ?? join(ROOT, 'mappings'),
    BATON_API_TOKEN: apiToken,
    BATON_WEBHOOK_SECRET: webhookSecret,
    BATON_PUBLIC_URL: url,
    BATON_POLL_INTERVAL: String(options.pollIntervalS ?? 5),
    PORT: String(port),
    HUBSPOT_BASE_URL: boxes.hubspotUrl,
    HUBSPOT_ACCESS_TOKEN: boxes.hubspotToken,
    HUBSPOT_CLIENT_SECRET: clientSecret,
    HUBSPOT_APP_ID: String(boxes.hubspot.writerAppId),
    SALESFORCE_INSTANCE_URL: boxes.salesforceUrl,
    SALESFORCE_ACCESS_TOKEN: boxes.salesforceToken,
    SALESFORCE_ORG_ID: boxes.orgId,
    ...options.env,
  };
  // The child must not inherit a test runner's flags that would change its behaviour.
  delete env.VITEST;
  delete env.NODE_OPTIONS;
  const logFile = join(options.dataDir, 'serve.log');
  const log = createWriteStream(logFile, { flags: 'a' });
  // Its own process group, so a Ctrl-C in the terminal reaches the demo alone, which then stops
  // serve in order (after the story and the deliveries); if the demo dies, serve goes with it.
  const child = spawn(
    process.execPath,
    [
      ...(process.env.BATON_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BATON_PROFILE_DIR}`] : []),
      BIN,
      'serve',
    ],
    { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    log.write(chunk);
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(line);
    if (lines.length > 40) lines.splice(0, lines.length - 40);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((r) =>
    child.once('exit', (code, signal) => {
      exitCode = code ?? (signal ? 128 : null);
      process.off('exit', killOnExit);
      log.end();
      r(exitCode);
    }),
  );
  const tail = () => lines.slice(-15).join('\n');

  const stop = async (graceMs = 10_000): Promise<number | null> => {
    if (exitCode !== undefined) return exitCode;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    const code = await exited;
    clearTimeout(timer);
    return code;
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
  while (Date.now() < deadline) {
    if (exitCode !== undefined) {
      const text = tail();
      if (/EADDRINUSE/.test(text))
        throw new BatonError(
          'port_in_use',
          `port ${port} is already in use; pick another with --port or leave it out`,
          { details: { port } },
        );
      throw new BatonError(
        'serve_exited',
        `baton serve exited with code ${exitCode} before it was ready; its last lines (full log: ${logFile}):\n${text}`,
        { details: { logFile } },
      );
    }
    try {
      const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return { url, port, apiToken, webhookSecret, clientSecret, logFile, child, tail, stop };
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  await stop(2000);
  throw new BatonError(
    'serve_not_ready',
    `baton serve did not become ready on ${url} within ${Math.round((options.readyTimeoutMs ?? 30_000) / 1000)} s; its last lines (full log: ${logFile}):\n${tail()}`,
    { details: { logFile } },
  );
}
