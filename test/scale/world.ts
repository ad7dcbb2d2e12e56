/**
 * The scale-out world: fake HubSpot and Salesforce served on loopback, one fresh PostgreSQL schema,
 * one Redis key prefix per run, and real `node bin/baton.js serve` child processes on them. The
 * workload is a set of people whose changes reach Baton as signed HubSpot webhooks (100 events a
 * request) and as `POST /api/events`, every delivery sent to two instances.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { createFakeHubSpot, type FakeHubSpot, type HubSpotWebhookEvent } from '../../sandbox/hubspot/index.ts';
import { serveFakeApi } from '../../sandbox/http.ts';
import { createFakeSalesforce, type FakeSalesforce } from '../../sandbox/salesforce/index.ts';
import type { FakeRequest } from '../../sandbox/types.ts';
import { makePostgresTestStore, type TestStore } from '../support/store.ts';

const ROOT = join(import.meta.dirname, '..', '..');
export const TOKEN = 'scale-token';
const HS_SECRET = 'scale-hubspot-secret';
export const REDIS_URL = process.env.BATON_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface Instance {
  name: string;
  url: string;
  child: ChildProcess;
  output(): string;
  alive(): boolean;
  /** SIGKILL: nothing is finished or released. */
  kill(): Promise<void>;
  /** SIGTERM and wait. */
  stop(): Promise<void>;
  /** Sum of one counter over its label sets, from `/metrics`. */
  counter(name: string): Promise<number>;
}

export interface WorldOptions {
  /** HubSpot's rolling window at the fake (default 100 / 10 s, a private app's). */
  hubspotLimit?: { limit: number; windowMs: number };
  /** Answer delay of both fakes, ms. */
  latencyMs?: number;
}

export interface Workload {
  /** HubSpot contacts changed by a marketer: one webhook event each. */
  contacts: { id: string; email: string }[];
  /** People known only by `POST /api/events`: a pricing page view and a demo request each (MQLs). */
  apiPeople: string[];
  webhookBatches: HubSpotWebhookEvent[][];
  apiBatches: Record<string, unknown>[][];
  events: number;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

export async function until(
  check: () => Promise<boolean> | boolean,
  ms: number,
  what: string,
  tail = () => '',
): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}\n${tail()}`);
}

/** The most requests any rolling window of `windowMs` holds. */
export function maxInWindow(times: number[], windowMs: number): number {
  const s = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < s.length; i++) {
    while (s[i] - s[j] >= windowMs) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

export class ScaleWorld {
  readonly hubspot: FakeHubSpot;
  readonly salesforce: FakeSalesforce;
  readonly redisPrefix = `baton-test-${randomBytes(6).toString('hex')}:`;
  readonly instances: Instance[] = [];
  /** Successful HubSpot contact updates per contact id (batch inputs: arrival time and properties), as the fake received them. */
  readonly contactWrites = new Map<string, { at: number; properties: string }[]>();
  store!: TestStore;
  private servers: { url: string; close(): Promise<void> }[] = [];

  constructor(options: WorldOptions = {}) {
    this.hubspot = createFakeHubSpot({
      rateLimit: options.hubspotLimit ?? { limit: 100, windowMs: 10_000 },
      latencyMs: options.latencyMs,
    });
    this.salesforce = createFakeSalesforce();
    this.latencyMs = options.latencyMs ?? 0;
  }
  private latencyMs: number;

  async open(): Promise<this> {
    this.store = await makePostgresTestStore();
    const sf = this.salesforce;
    const delay = this.latencyMs;
    const hs = this.hubspot;
    const writes = this.contactWrites;
    const tapped = {
      handle: async (req: FakeRequest) => {
        const res = await hs.handle(req);
        if (
          res?.status === 200 &&
          req.method === 'POST' &&
          /\/objects\/(contacts|0-1)\/batch\/update$/.test(req.url.pathname)
        ) {
          const at = Date.now();
          for (const i of (JSON.parse(req.body) as { inputs: { id: string; properties: unknown }[] }).inputs) {
            writes.set(String(i.id), [
              ...(writes.get(String(i.id)) ?? []),
              { at, properties: JSON.stringify(i.properties) },
            ]);
          }
        }
        return res;
      },
    };
    this.servers = [
      await serveFakeApi(tapped),
      await serveFakeApi({
        handle: async (req) => (delay && (await new Promise((r) => setTimeout(r, delay))), sf.handle(req)),
      }),
    ];
    return this;
  }

  /** Starts `baton serve` on the shared store (and Redis unless `redis: false`); resolves when ready. */
  async start(name: string, options: { redis?: boolean; env?: Record<string, string> } = {}): Promise<Instance> {
    const [hs, sf] = this.servers;
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      BATON_INSTANCE_ID: name,
      BATON_DATABASE_URL: this.store.url,
      BATON_API_TOKEN: TOKEN,
      PORT: String(port),
      BATON_POLL_INTERVAL: '0',
      BATON_LEASE_SECONDS: '3',
      BATON_LOG_LEVEL: 'warn',
      HUBSPOT_ACCESS_TOKEN: 'pat-scale',
      HUBSPOT_CLIENT_SECRET: HS_SECRET,
      HUBSPOT_BASE_URL: hs.url,
      SALESFORCE_INSTANCE_URL: sf.url,
      SALESFORCE_ACCESS_TOKEN: 'fake-session-token',
      SALESFORCE_ORG_ID: this.salesforce.org.orgId,
      ...(options.redis === false ? {} : { BATON_REDIS_URL: REDIS_URL, BATON_REDIS_PREFIX: this.redisPrefix }),
      ...options.env,
    };
    if (options.redis === false) delete env.BATON_REDIS_URL;
    delete env.VITEST;
    delete env.NODE_OPTIONS;
    // For profiling, as the other benchmarks: BATON_PROFILE_DIR=dir writes a CPU profile of each
    // serve child there, BENCH_NODE_FLAGS passes node flags (e.g. `--import ./count-queries.mjs`).
    const profile = process.env.BATON_PROFILE_DIR;
    const nodeArgs = [
      ...(profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : []),
      ...(process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean),
    ];
    const child = spawn(process.execPath, [...nodeArgs, join(ROOT, 'bin', 'baton.js'), 'serve'], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let exited = false;
    const exit = new Promise<void>((r) => child.once('exit', () => ((exited = true), r())));
    child.stdout!.on('data', (d) => (out = (out + d).slice(-20_000)));
    child.stderr!.on('data', (d) => (out = (out + d).slice(-20_000)));
    const url = `http://127.0.0.1:${port}`;
    const instance: Instance = {
      name,
      url,
      child,
      output: () => out,
      alive: () => !exited,
      async kill() {
        if (exited) return;
        child.kill('SIGKILL');
        await exit;
      },
      async stop() {
        if (exited) return;
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exit;
        clearTimeout(t);
      },
      async counter(metric) {
        const text = await (await fetch(`${url}/metrics`)).text();
        let sum = 0;
        for (const line of text.split('\n'))
          if (line.startsWith(`${metric}{`) || line.startsWith(`${metric} `))
            sum += Number(line.slice(line.lastIndexOf(' ') + 1));
        return sum;
      },
    };
    this.instances.push(instance);
    await until(
      async () => exited || (await fetch(`${url}/readyz`).catch(() => null))?.status === 200,
      30_000,
      `${name} to be ready`,
      () => out.slice(-3000),
    );
    if (exited) throw new Error(`${name} exited before it was ready:\n${out.slice(-3000)}`);
    return instance;
  }

  /**
   * Seeds the people and builds their deliveries (nothing is sent yet). Contacts get a new job
   * title (one webhook event; their stage and scores are new to HubSpot, so each is written once);
   * API people view the pricing page and request a demo (two events each, in different requests,
   * so two instances meet on one person), which makes them MQL: a Lead and a Task each.
   */
  workload(contacts: number, apiPeople: number): Workload {
    const t0 = Date.now();
    const seeded: Workload['contacts'] = [];
    const events: HubSpotWebhookEvent[] = [];
    for (let i = 0; i < contacts; i++) {
      const email = `person${i}@scale${i % 50}.example`;
      const id = this.hubspot.seed(
        'contacts',
        {
          email,
          firstname: `P${i}`,
          lastname: 'Scale',
          company: `Scale ${i % 50}`,
          jobtitle: 'Analyst',
          country: 'US',
        },
        { at: t0 - 86_400_000 },
      );
      events.push(
        ...this.hubspot.changeAsMarketer(
          'contacts',
          id,
          { jobtitle: i % 2 ? 'VP Operations' : 'Head of Data' },
          { at: t0 },
        ),
      );
      seeded.push({ id, email });
    }
    const webhookBatches: HubSpotWebhookEvent[][] = [];
    for (let i = 0; i < events.length; i += 100) webhookBatches.push(events.slice(i, i + 100));
    const at = new Date(t0).toISOString();
    const api: string[] = Array.from({ length: apiPeople }, (_, j) => `api${j}@web${j % 20}.example`);
    // A person's two events go into different requests, so two instances meet on one person.
    const views = api.map((email, j) => ({
      id: `scale:view:${j}`,
      email,
      type: 'page_view',
      at,
      properties: { url: 'https://acme.example/pricing' },
    }));
    const demos = api.map((email, j) => ({
      id: `scale:demo:${j}`,
      email,
      type: 'form_submission',
      at,
      properties: { form: 'demo-request' },
    }));
    const apiBatches: Record<string, unknown>[][] = [];
    for (let i = 0; i < api.length; i += 100) apiBatches.push(views.slice(i, i + 100), demos.slice(i, i + 100));
    return {
      contacts: seeded,
      apiPeople: api,
      webhookBatches,
      apiBatches,
      events: events.length + views.length + demos.length,
    };
  }

  /**
   * Engagement events only (no CRM reads): `people` people with `perPerson` events each, 100 to a
   * request; the last event of every fourth person is a demo request (an MQL: a Lead and a Task).
   */
  apiWorkload(people: number, perPerson: number, tag = 'bench'): Record<string, unknown>[][] {
    const at = new Date().toISOString();
    const events: Record<string, unknown>[] = [];
    for (let k = 0; k < perPerson; k++) {
      for (let j = 0; j < people; j++) {
        const demo = k === perPerson - 1 && j % 4 === 0;
        events.push({
          id: `${tag}:${j}:${k}`,
          email: `${tag}${j}@load${j % 40}.example`,
          type: demo ? 'form_submission' : 'page_view',
          at,
          properties: demo ? { form: 'demo-request' } : { url: `https://acme.example/pricing?v=${k}` },
        });
      }
    }
    const batches: Record<string, unknown>[][] = [];
    for (let i = 0; i < events.length; i += 100) batches.push(events.slice(i, i + 100));
    return batches;
  }

  /** Delivers one webhook request to `to` (signed for its URL); true when answered 200. */
  async webhook(to: Instance, events: HubSpotWebhookEvent[]): Promise<boolean> {
    const url = `${to.url}/webhooks/hubspot`;
    const signed = this.hubspot.signedWebhook(events, HS_SECRET, url);
    const res = await fetch(url, { method: 'POST', headers: signed.headers, body: signed.body }).catch(() => null);
    return res?.status === 200;
  }

  async apiEvents(to: Instance, events: Record<string, unknown>[]): Promise<boolean> {
    const res = await fetch(`${to.url}/api/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(events),
    }).catch(() => null);
    return res?.status === 202 || res?.status === 200;
  }

  /**
   * Sends every request to two instances, alternating which goes first and sending both at once;
   * returns how many requests were acknowledged by at least one of them.
   */
  async deliver(w: Workload, a: Instance, b: Instance): Promise<{ requests: number; acknowledged: number }> {
    const sends: Promise<boolean>[] = [];
    const all = [
      ...w.webhookBatches.map((e) => ({ kind: 'webhook' as const, e })),
      ...w.apiBatches.map((e) => ({ kind: 'api' as const, e })),
    ];
    for (const [i, r] of all.entries()) {
      const [first, second] = i % 2 ? [b, a] : [a, b];
      const send = (to: Instance) =>
        r.kind === 'webhook' ? this.webhook(to, r.e as HubSpotWebhookEvent[]) : this.apiEvents(to, r.e);
      sends.push(Promise.all([send(first), send(second)]).then(([x, y]) => x || y));
    }
    const acked = await Promise.all(sends);
    return { requests: all.length, acknowledged: acked.filter(Boolean).length };
  }

  /** Where the run stands, for progress lines and timeout messages. */
  async progress(): Promise<string> {
    const [inbox] = await this.sql<{ pending: string; retried: string }>(
      `select count(*) filter (where status <> 'done') as pending, count(*) filter (where attempts > 0) as retried from inbox`,
    );
    const [outbox] = await this.sql<{ n: string; retried: string }>(
      `select count(*) as n, count(*) filter (where attempts > 0) as retried from outbox`,
    );
    const hs = this.hubspot.log;
    return `inbox pending ${inbox.pending} (retried ${inbox.retried}), outbox ${outbox.n} (retried ${outbox.retried}), HubSpot ${hs.length} requests (${hs.filter((l) => l.status === 429).length} 429s), contacts written ${this.contactWrites.size}, Leads ${this.salesforce.org.rows('Lead').length}, Tasks ${this.salesforce.org.rows('Task').length}`;
  }

  /** One SQL query on the run's schema. */
  async sql<T extends Record<string, unknown>>(text: string): Promise<T[]> {
    const schema = new URL(this.store.url).searchParams.get('schema')!;
    const base = new URL(this.store.url);
    base.searchParams.delete('schema');
    const client = new pg.Client({ connectionString: base.toString() });
    await client.connect();
    try {
      await client.query(`set search_path to "${schema}"`);
      return (await client.query(text)).rows as T[];
    } finally {
      await client.end();
    }
  }

  async close(): Promise<void> {
    // a profiled child writes its profile only when it exits by itself
    await Promise.all(this.instances.map((i) => (process.env.BATON_PROFILE_DIR ? i.stop() : i.kill())));
    for (const s of this.servers) await s.close();
    await this.store?.cleanup();
  }
}
