/**
 * `baton demo`: the whole flow without a HubSpot or Salesforce account. Starts a fake HubSpot and a
 * fake Salesforce on loopback, seeded with sample people; runs `baton serve` as a child process on
 * the embedded SQLite store against them; then plays visitors and reps and narrates what Baton
 * does, until Ctrl-C (or `--duration`). Each run starts from a fresh demo database, because the
 * sandboxes are new each run; a second demo on the same data directory is refused while one runs.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Reps, Visitors, type Say } from '../../sandbox/demo/actors.ts';
import { batonApi } from '../../sandbox/demo/baton-api.ts';
import { startBaton, type BatonProcess } from '../../sandbox/demo/baton-process.ts';
import { WebhookDelivery } from '../../sandbox/demo/delivery.ts';
import { Narrative } from '../../sandbox/demo/narrative.ts';
import { startSandboxes, type Sandboxes } from '../../sandbox/demo/servers.ts';
import { setupSandboxes } from '../../sandbox/demo/setup-step.ts';
import { startAlertSandbox, type AlertSandbox } from '../../sandbox/demo/alert-sandbox.ts';
import { loadConfig } from '../config/load.ts';
import { BatonError, errorMessage } from '../platform/errors.ts';

export const summary = 'the whole flow against built-in sandbox CRMs seeded with sample people';

export interface DemoOptions {
  /** Where `demo.db`, `serve.log` and the lock live (default `./data/demo`). */
  dataDir?: string;
  /** Baton's HTTP port (default: a free one). */
  port?: number;
  seed?: number;
  people?: number;
  /** Seconds between visitor steps (default 1). */
  stepS?: number;
  /** Seconds before a rep answers a new MQL (default 4–10). */
  repDelayS?: [number, number];
  /** Default `mappings/demo/`: the shipped agreement with SLA tiers, plus `routing.yaml`. */
  configDir?: string;
  /** How many times faster SLA deadlines run (`BATON_DEMO_TIME_SCALE`, default 30: 30 minutes in one). */
  timeScale?: number;
  say?: Say;
}

/** SLA deadlines run this many times faster in the demo, so a reminder and a breach happen within its first two minutes. */
export const DEMO_TIME_SCALE = 30;
/** The sample rep who is away today: her people wait, are reminded, breach and go to the next rep. */
const AWAY = 'avery.singh@acme.example';

export interface DemoRun {
  boxes: Sandboxes;
  baton: BatonProcess;
  delivery: WebhookDelivery;
  narrative: Narrative;
  reps: Reps;
  configDir: string;
  timeScale: number;
  /** The sandbox Slack and SMTP server, with `alerts.yaml`. */
  alerts: AlertSandbox | null;
  /** Stops the story, then serve (gracefully), then the sandboxes; resolves to serve's exit code. */
  stop(): Promise<number | null>;
}

const LOCK = 'demo.lock';

/** Takes the data directory's lock, or throws naming the demo that holds it. */
function takeLock(dataDir: string): () => void {
  const path = join(dataDir, LOCK);
  for (let i = 0; i < 2; i++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString() }));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let holder: { pid?: number } = {};
      try {
        holder = JSON.parse(readFileSync(path, 'utf8')) as { pid?: number };
      } catch {
        // a half-written lock is stale
      }
      if (holder.pid && alive(holder.pid)) {
        throw new BatonError(
          'demo_running',
          `another baton demo (pid ${holder.pid}) is running on ${dataDir}; stop it with Ctrl-C, or give this one its own --data-dir`,
          { details: { dataDir, pid: holder.pid } },
        );
      }
      rmSync(path, { force: true }); // left by a demo that did not exit cleanly
    }
  }
  throw new BatonError('demo_lock', `could not take ${path}; remove it if no demo is running`, { details: { path } });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Starts the sandboxes, serve and the story; returns once Baton is ready and the story runs. */
export async function startDemo(options: DemoOptions = {}): Promise<DemoRun> {
  const say: Say = options.say ?? ((t) => console.log(t));
  const dataDir = resolve(options.dataDir ?? join('data', 'demo'));
  mkdirSync(dataDir, { recursive: true });
  const unlock = takeLock(dataDir);
  let boxes: Sandboxes | null = null;
  let alerts: AlertSandbox | null = null;
  try {
    // The sandboxes are new each run, so yesterday's database would point at records that no longer exist.
    for (const f of ['demo.db', 'demo.db-wal', 'demo.db-shm', 'demo.db-journal', 'serve.log'])
      rmSync(join(dataDir, f), { force: true });
    const configDir = options.configDir ?? resolve('mappings', 'demo');
    const timeScale = options.timeScale ?? DEMO_TIME_SCALE;
    const loaded = await loadConfig(configDir).catch(() => null);
    const reasons = loaded?.agreement.recycle?.reasons ?? [];
    // The org starts bare, as a real one does: setup runs first, as a new user's first step.
    boxes = await startSandboxes({ seed: options.seed, people: options.people, bare: true });
    if (loaded) for (const line of await setupSandboxes(boxes, loaded.fields)) say(line);
    // alerts.yaml: a sandbox Slack and a sandbox SMTP server take Baton's alerts.
    alerts = loaded?.alerts ? await startAlertSandbox(boxes) : null;
    const baton = await startBaton({
      boxes,
      dataDir,
      port: options.port,
      pollIntervalS: 5,
      configDir,
      env: { BATON_DEMO_TIME_SCALE: String(timeScale), ...(alerts?.env ?? {}) },
    });
    const api = batonApi(baton.url, baton.apiToken, baton.webhookSecret);
    const delivery = new WebhookDelivery(boxes, { batonUrl: baton.url, clientSecret: baton.clientSecret });
    const narrative = new Narrative(boxes, api, say);
    const visitors = new Visitors(boxes, delivery, api, say, (options.seed ?? 7) + 4);
    const away = boxes.salesforce.org.rows('User').find((u) => u.Email === AWAY)?.Id ?? null;
    const reps = new Reps(boxes, say, reasons, { seed: (options.seed ?? 7) + 16, delayS: options.repDelayS, away });
    delivery.start();

    const timers: NodeJS.Timeout[] = [];
    let busy = Promise.resolve();
    const every = (ms: number, fn: () => Promise<void> | void) =>
      timers.push(
        setInterval(() => {
          busy = busy.then(fn).catch((err) => say(`(demo) ${errorMessage(err)}`));
        }, ms),
      );
    every((options.stepS ?? 1) * 1000, () => visitors.step());
    every(1000, () => reps.step());
    every(1000, () => narrative.step());
    const alertBox = alerts;
    if (alertBox) every(1000, () => alertBox.news().forEach((line) => say(line)));
    every(20_000, () => narrative.funnelLine());

    const sandboxes = boxes;
    let stopped: Promise<number | null> | null = null;
    const stop = () =>
      (stopped ??= (async () => {
        for (const t of timers) clearInterval(t);
        await busy;
        await delivery.stop();
        const code = await baton.stop();
        await sandboxes.close();
        await alertBox?.close();
        unlock();
        return code;
      })());
    return { boxes, baton, delivery, narrative, reps, configDir, timeScale, alerts: alertBox, stop };
  } catch (err) {
    await alerts?.close();
    await boxes?.close();
    unlock();
    throw err;
  }
}

function banner(run: DemoRun): string {
  const { baton, boxes } = run;
  return [
    '',
    'Baton demo — HubSpot and Salesforce are sandboxes on this machine; nothing leaves it.',
    `  service     ${baton.url}`,
    `  dashboard   ${baton.url}/   (log in with the API token)`,
    `  API token   ${baton.apiToken}`,
    `  try         curl -H "Authorization: Bearer ${baton.apiToken}" ${baton.url}/api/funnel`,
    `  sandboxes   HubSpot ${boxes.hubspotUrl}   Salesforce ${boxes.salesforceUrl}`,
    `  serve log   ${baton.logFile}`,
    ...(run.alerts
      ? ['  alerts      alerts.yaml: a sandbox Slack and a sandbox SMTP server on this machine take them']
      : []),
    `  config      ${relative(process.cwd(), run.configDir) || '.'}  (routing.yaml: account match, weighted round robin, a cap, a fallback; SLA tiers: demo requests 30 min, webinars 4 business hours, the rest a day)`,
    `  SLA clock   ${run.timeScale}× faster for the demo, business hours ignored: a 30-minute deadline passes in ${Math.round(1800 / run.timeScale)} s, its reminder ${Math.round(900 / run.timeScale)} s before`,
    `  away today  ${run.reps.away ? boxes.userName(run.reps.away) : 'nobody'}: her people wait, so Baton reminds her, and at the breach hands them to the next rep`,
    `  ${boxes.sample.people.length} people at ${boxes.sample.companies.length} companies; ${boxes.ids.reps.length} reps; Ctrl-C stops.`,
    '',
  ].join('\n');
}

/** `baton demo [--duration SECONDS] [--port N] [--data-dir DIR] [--seed N]`. */
export async function run(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        duration: { type: 'string' },
        port: { type: 'string' },
        'data-dir': { type: 'string' },
        seed: { type: 'string' },
        config: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    console.error(`baton demo: ${errorMessage(err)}`);
    return 1;
  }
  if (values.help) {
    console.log(
      'usage: baton demo [--duration SECONDS] [--port N] [--data-dir DIR] [--seed N] [--config DIR]\n\nRuns until Ctrl-C, or for --duration seconds.',
    );
    return 0;
  }
  const num = (name: string, v: string | undefined) => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0)
      throw new BatonError('bad_option', `--${name} expects a whole number, got "${v}"`);
    return n;
  };
  let demo: DemoRun;
  let duration: number | undefined;
  try {
    duration = num('duration', values.duration);
    demo = await startDemo({
      port: num('port', values.port),
      seed: num('seed', values.seed),
      dataDir: values['data-dir'],
      configDir: values.config ?? process.env.BATON_CONFIG_DIR,
    });
  } catch (err) {
    console.error(`baton demo: ${errorMessage(err)}`);
    return 1;
  }
  const started = Date.now();
  console.log(banner(demo));
  await new Promise<void>((done) => {
    const finish = () => {
      process.off('SIGINT', finish);
      process.off('SIGTERM', finish);
      if (timer) clearTimeout(timer);
      done();
    };
    const timer = duration ? setTimeout(finish, duration * 1000) : null;
    process.once('SIGINT', finish);
    process.once('SIGTERM', finish);
  });
  console.log('\nstopping: the story, then baton serve (gracefully), then the sandboxes…');
  await demo.narrative.funnelLine();
  const e = demo.narrative.effects;
  const code = await demo.stop();
  console.log(
    `done after ${Math.round((Date.now() - started) / 1000)} s: ${e.leadsCreated} Leads, ${e.contactsCreated} Contacts on existing Accounts and ${e.tasks} Tasks created in Salesforce, ${e.reminders} reminders, ${e.reassigned} reassignments, ${e.feedbackInHubSpot} rep answers shown in HubSpot, ${e.wonDeals} deals won; serve exited with ${code}.`,
  );
  return code === 0 || code === null ? 0 : 1;
}
