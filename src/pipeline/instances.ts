/**
 * Instance heartbeats: every `serve` holds the named lease `instance:<id>` and renews it, so each
 * instance can see the others on the same store (unexpired `instance:*` leases). A killed instance
 * stops renewing and drops out when its lease expires. Without shared limits (no
 * `BATON_REDIS_URL`) every instance counts the CRMs' rate limits alone, so seeing others is a
 * warning: together they can exceed them.
 */
import { randomUUID } from 'node:crypto';
import { Gauge } from 'prom-client';
import { errorMessage } from '../platform/errors.ts';
import type { PipelineContext } from './context.ts';

export const INSTANCE_LEASE_PREFIX = 'instance:';

export interface HeartbeatOptions {
  /** Renew this often (default 5 s). */
  intervalMs?: number;
  /** A heartbeat counts this long (default 3 intervals). */
  ttlMs?: number;
  /** Rate limits are shared across instances (Redis). */
  sharedLimits: boolean;
  /** Where the warning goes (default the context's logger). */
  warn?: (message: string) => void;
}

export interface Heartbeat {
  /** The other live instances' ids, as of the last beat. */
  peers(): string[];
  /** Beats once now; resolves to the peers. */
  beat(): Promise<string[]>;
  /** Stops beating and gives the lease up (a clean shutdown leaves at once). */
  stop(): Promise<void>;
}

/** Starts beating for `ctx.instanceId`. */
export function startHeartbeat(ctx: PipelineContext, options: HeartbeatOptions): Heartbeat {
  const intervalMs = options.intervalMs ?? 5000;
  const ttlMs = options.ttlMs ?? intervalMs * 3;
  const name = `${INSTANCE_LEASE_PREFIX}${ctx.instanceId}`;
  // The owner is this process, not the id: a second process started with the same BATON_INSTANCE_ID cannot take the lease.
  const owner = `${ctx.instanceId}#${randomUUID().slice(0, 8)}`;
  const warn = options.warn ?? ((m: string) => ctx.log.warn(m));
  const gauge = new Gauge({
    name: 'baton_instances_live',
    help: 'Baton instances with a live heartbeat on this store, this one included',
    registers: [ctx.metrics.registry],
  });
  let peers: string[] = [];
  let warnedFor = '';
  let clash = false;

  async function beat(): Promise<string[]> {
    const now = ctx.now().toISOString();
    const held = await ctx.store.acquireLease(name, owner, ttlMs, now);
    if (!held && !clash)
      warn(
        `another live process uses the instance id '${ctx.instanceId}' (BATON_INSTANCE_ID); give every instance its own id, or leases and metrics mix up`,
      );
    clash = !held;
    const live = await ctx.store.liveLeases(INSTANCE_LEASE_PREFIX, now);
    peers = live.filter((l) => l.owner !== owner).map((l) => l.name.slice(INSTANCE_LEASE_PREFIX.length));
    gauge.set(live.length + (held ? 0 : 1));
    const key = peers.join(',');
    if (!options.sharedLimits && peers.length > 0 && key !== warnedFor) {
      warn(
        `${peers.length} other Baton instance(s) share this store (${peers.join(', ')}) but BATON_REDIS_URL is not set: each instance keeps the HubSpot and Salesforce rate limits alone, so together they can exceed them. Set BATON_REDIS_URL on every instance to share the limits.`,
      );
    }
    warnedFor = peers.length ? key : '';
    return peers;
  }

  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = beat().catch((err) => ctx.log.warn('instance heartbeat failed', { error: errorMessage(err) }));
  }, intervalMs);
  timer.unref();
  running = beat().catch((err) => ctx.log.warn('instance heartbeat failed', { error: errorMessage(err) }));

  return {
    peers: () => peers,
    beat,
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      await running;
      await ctx.store.releaseLease(name, owner).catch(() => {});
    },
  };
}
