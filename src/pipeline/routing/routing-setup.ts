/**
 * Turns routing on for one process: compiles `routing.yaml`, resolves its users in Salesforce
 * (reporting unknown ones by line), and gives the Salesforce connector the route hook. Without
 * `routing.yaml` the connector keeps the org's assignment rule. The runtime is kept per pipeline
 * context, for SLA reassignment.
 */
import type { RoutingConfig } from '../../config/routing-schema.ts';
import { compileRouting } from '../../routing/policy.ts';
import type { PipelineContext } from '../context.ts';
import { createRouteHook, type CreateRouter } from './routing-hook.ts';
import { refreshHubSpotOwners, rememberUsers } from './routing-owners.ts';
import { createRoutingRuntime, type RoutingDirectory, type RoutingRuntime } from './routing-runtime.ts';
import { errorMessage } from '../../platform/errors.ts';

const runtimes = new WeakMap<PipelineContext, RoutingRuntime>();

/** The routing runtime of `ctx`, when routing is on. */
export function routingOf(ctx: PipelineContext): RoutingRuntime | null {
  return runtimes.get(ctx) ?? null;
}

export interface RoutingSource {
  routing: RoutingConfig | null;
  /** The file's text (for line numbers) and its name as shown. */
  text?: string | null;
  file?: string | null;
}

/** What routing needs of the Salesforce connector: its users and accounts, and the hook its creates call (until routing is decided before the write, issue 18). */
export type RoutedConnector = RoutingDirectory & { setRouter(router: CreateRouter | null): void };

/**
 * Starts routing for `ctx` with the Salesforce connector `sf`; returns the problems to report
 * (`routing.yaml:LINE:COL: no Salesforce user 'x'`). With no `routing.yaml`, routing is off.
 */
export async function enableRouting(
  ctx: PipelineContext,
  sf: RoutedConnector,
  source: RoutingSource,
): Promise<string[]> {
  if (!source.routing) {
    sf.setRouter(null);
    runtimes.delete(ctx);
    return [];
  }
  let active = await build(ctx, sf, source);
  // a routing.yaml that changes while serving takes effect at the next batch of handoffs
  sf.setRouter(async (ops) => {
    const live = ctx.config()?.routing as RoutingConfig | null | undefined;
    if (live !== undefined && live !== active.config) {
      if (!live) return new Map();
      active = await build(ctx, sf, { routing: live, file: source.file });
      for (const p of active.problems) ctx.log.warn(p);
    }
    return active.hook(ops);
  });
  return active.problems;
}

async function build(ctx: PipelineContext, sf: RoutedConnector, source: RoutingSource) {
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
  await rememberUsers(ctx.store, runtime.users().values());
  if (ctx.config()?.fields.writeback?.hubspot?.owner) {
    await refreshHubSpotOwners(ctx).catch((err) =>
      problems.push(`cannot read HubSpot owners for writeback.hubspot.owner: ${errorMessage(err)}`),
    );
  }
  runtimes.set(ctx, runtime);
  return { config, runtime, problems, hook: createRouteHook(ctx.store, runtime, () => ctx.now()) };
}
