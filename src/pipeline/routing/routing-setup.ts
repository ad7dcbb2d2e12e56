/**
 * Turns routing on for one process: compiles `routing.yaml` and resolves its users in Salesforce
 * (reporting unknown ones by line). Without `routing.yaml` new people keep the org's assignment
 * rule. The runtime is kept on the pipeline context (`ctx.routing`), shared by the contexts derived
 * from it, for the person stage's handoffs (`route-handoff.ts`) and SLA reassignment.
 */
import type { RoutingConfig } from '../../config/routing-schema.ts';
import { compileRouting } from '../../routing/policy.ts';
import type { Store } from '../../store/types.ts';
import type { PipelineContext } from '../context.ts';
import { refreshHubSpotOwners, rememberUsers } from './routing-owners.ts';
import type { RoutingRuntime, RoutingSlot } from '../routing-slot.ts';
import { createRoutingRuntime, type RoutingDirectory } from './routing-runtime.ts';
import { errorMessage } from '../../platform/errors.ts';

/** The routing runtime of `ctx`, when routing is on. */
export function routingOf(ctx: PipelineContext): RoutingRuntime | null {
  return ctx.routing?.runtime ?? null;
}

export interface RoutingSource {
  routing: RoutingConfig | null;
  /** The file's text (for line numbers) and its name as shown. */
  text?: string | null;
  file?: string | null;
}

/**
 * Starts routing for `ctx` with the Salesforce connector's directory `sf`; returns the problems to
 * report (`routing.yaml:LINE:COL: no Salesforce user 'x'`). With no `routing.yaml`, routing is off.
 */
export async function enableRouting(
  ctx: PipelineContext,
  sf: RoutingDirectory,
  source: RoutingSource,
): Promise<string[]> {
  if (!source.routing) {
    ctx.routing = undefined;
    return [];
  }
  const first = await build(ctx, ctx.store, sf, source);
  let building: Promise<void> | null = null;
  const slot: RoutingSlot = {
    config: source.routing,
    runtime: first.runtime,
    // a routing.yaml that changes while serving takes effect at the next handoff
    refresh(store) {
      const live = ctx.config()?.routing as RoutingConfig | null | undefined;
      if (live === undefined || live === slot.config) return building ?? Promise.resolve();
      building ??= (async () => {
        try {
          if (live) {
            const next = await build(ctx, store, sf, { routing: live, file: source.file });
            for (const p of next.problems) ctx.log.warn(p);
            slot.runtime = next.runtime;
          }
          slot.config = live;
        } finally {
          building = null;
        }
      })();
      return building;
    },
  };
  ctx.routing = slot;
  return first.problems;
}

/** The runtime of `source` over the store of `ctx`; `store` (maybe an open transaction) takes the users it learns. */
async function build(ctx: PipelineContext, store: Store, sf: RoutingDirectory, source: RoutingSource) {
  const file = source.file ?? 'routing.yaml';
  const config = source.routing!;
  const runtime = createRoutingRuntime({
    store: ctx.store,
    directory: sf,
    routing: compileRouting(config, source.text, file),
    timeZone: ctx.config()?.agreementConfig.sla?.business_hours?.tz ?? null,
    file,
    instanceId: ctx.instanceId,
    now: () => ctx.now(),
    log: ctx.log,
  });
  const problems = await runtime.start();
  await rememberUsers(store, runtime.users().values());
  if (ctx.config()?.fields.writeback?.hubspot?.owner) {
    await refreshHubSpotOwners({ ...ctx, store }).catch((err) =>
      problems.push(`cannot read HubSpot owners for writeback.hubspot.owner: ${errorMessage(err)}`),
    );
  }
  return { runtime, problems };
}
