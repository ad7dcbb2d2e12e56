/**
 * `npm run bench:scale`: events per second for one and for two `baton serve` instances on one
 * PostgreSQL (and one Redis), in the same run. Engagement events (`POST /api/events`, 100 to a
 * request, spread over the instances as a load balancer would) for PEOPLE people; every fourth
 * person requests a demo and becomes an MQL (a Lead and a Task in the fake Salesforce). A run is
 * done when the inbox and outbox are empty and every MQL has its Task. Prints events/s for each
 * and the ratio.
 * Usage: node bench/scale.bench.ts [EVENTS] [--per-person N]
 * (`BATON_PROFILE_DIR=dir` writes a CPU profile of each `baton serve` child there; `BENCH_NODE_FLAGS` passes node flags to them.)
 */
import { availableParallelism, loadavg } from 'node:os';
import { ScaleWorld, until, type Instance } from '../test/scale/world.ts';
import { cpuSeconds } from './support/cpu.ts';

const arg = (name: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const EVENTS = Number(
  process.argv.find((a, i) => i > 1 && /^\d+$/.test(a) && !process.argv[i - 1].startsWith('--')) ?? 6000,
);
const PER_PERSON = Number(arg('--per-person') ?? 3);
const PEOPLE = Math.ceil(EVENTS / PER_PERSON);

/** Issue 19: CPU per event processed end to end, so one instance passes 1,500 events/s. */
const GOAL_CPU_MS = 0.5;

async function run(
  instances: number,
): Promise<{ ms: number; eventsPerS: number; byInstance: number[]; cpuMsPerEvent: number }> {
  const world = await new ScaleWorld().open();
  try {
    const nodes: Instance[] = [];
    for (let i = 0; i < instances; i++)
      nodes.push(await world.start(`bench-${instances}-${i + 1}`, { env: { BATON_LEASE_SECONDS: '30' } }));
    const batches = world.apiWorkload(PEOPLE, PER_PERSON, `b${instances}`);
    const mqls = Math.ceil(PEOPLE / 4);
    const cpu0 = nodes.map((n) => cpuSeconds(n.child.pid));
    const t0 = Date.now();
    // Round robin, a few requests in flight per instance, as a load balancer would spread them.
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 * instances }, async (_, lane) => {
        for (let i = next++; i < batches.length; i = next++) {
          if (!(await world.apiEvents(nodes[(i + lane) % instances], batches[i])))
            throw new Error(`request ${i} refused`);
        }
      }),
    );
    const deliveredMs = Date.now() - t0;
    let inboxMs = 0;
    await until(
      async () => {
        const [r] = await world.sql<{ pending: string; outbox: string }>(
          `select (select count(*) from inbox where status <> 'done') as pending, (select count(*) from outbox) as outbox`,
        );
        if (Number(r.pending) === 0 && !inboxMs) inboxMs = Date.now() - t0;
        return Number(r.pending) === 0 && Number(r.outbox) === 0 && world.salesforce.org.rows('Task').length >= mqls;
      },
      600_000,
      'the run to finish',
      () => nodes.map((n) => n.output().slice(-1500)).join('\n'),
    );
    const ms = Date.now() - t0;
    const cpu = nodes.map((n, i) => cpuSeconds(n.child.pid) - cpu0[i]);
    const byInstance = await Promise.all(nodes.map((n) => n.counter('baton_events_processed_total')));
    const leads = world.salesforce.org.rows('Lead').length;
    const tasks = world.salesforce.org.rows('Task').length;
    console.log(
      `  ${instances} instance(s): ${EVENTS} events accepted in ${(deliveredMs / 1000).toFixed(1)} s, inbox empty after ${(inboxMs / 1000).toFixed(1)} s, all written after ${(ms / 1000).toFixed(1)} s; processed per instance ${byInstance.join(' + ')}; ${leads} Leads, ${tasks} Tasks (expected ${mqls} each); CPU ${cpu.map((c) => `${c.toFixed(1)} s`).join(' + ')} (${((cpu.reduce((a, b) => a + b, 0) / EVENTS) * 1000).toFixed(2)} ms/event)`,
    );
    const cpuMsPerEvent = (cpu.reduce((a, b) => a + b, 0) / EVENTS) * 1000;
    return { ms, eventsPerS: (EVENTS / ms) * 1000, byInstance, cpuMsPerEvent };
  } finally {
    await world.close();
  }
}

async function main(): Promise<number> {
  console.log(
    `bench:scale — ${EVENTS} events (${PEOPLE} people × ${PER_PERSON}, every fourth an MQL) through POST /api/events, PostgreSQL + Redis, real baton serve children`,
  );
  const one = await run(1);
  const two = await run(2);
  console.log('');
  console.log(`one instance     ${one.eventsPerS.toFixed(0)} events/s`);
  console.log(`two instances    ${two.eventsPerS.toFixed(0)} events/s`);
  console.log(`ratio            ${(two.eventsPerS / one.eventsPerS).toFixed(2)}×`);
  const met = one.cpuMsPerEvent <= GOAL_CPU_MS;
  console.log(
    `goal ≤ ${GOAL_CPU_MS} ms CPU per event (one instance)   today ${one.cpuMsPerEvent.toFixed(2)} ms = ${(one.cpuMsPerEvent / GOAL_CPU_MS).toFixed(1)}× the goal    ${met ? 'met' : 'NOT MET'}`,
  );
  console.log(
    `machine          ${availableParallelism()} CPUs, load average ${loadavg()[0].toFixed(1)} (the instances, PostgreSQL, Redis and the fake CRMs share them)`,
  );
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
