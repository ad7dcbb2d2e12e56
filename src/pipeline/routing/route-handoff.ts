/**
 * Routing at handoff, in the person stage: when a person's Salesforce create becomes due and
 * `routing.yaml` is in force, the owner is decided in the person's own transaction, which also
 * advances the rotation, and stored on the person (`$meta.routing`, its owner). The create then
 * carries the decision as its placement, so the Salesforce connector only writes what it is given;
 * a retried create places the person as the first attempt did and the rotation advances once per
 * person, crash or not.
 */
import type { PersonFacts } from '../../agreement/types.ts';
import type { PersonRow, Store } from '../../store/types.ts';
import type { PipelineContext } from '../context.ts';
import { setRouting, storedRouting, toStored, type StoredRouting } from './stored-routing.ts';

/** Whether `person` needs a routing decision now: its create is due (`createDue`), routing is on and none is stored. */
export function needsRouting(ctx: PipelineContext, person: PersonRow, createDue: boolean): boolean {
  const slot = ctx.routing;
  return (
    createDue &&
    !!ctx.connectors.salesforce &&
    !!person.email &&
    !!slot?.config &&
    !!slot.runtime &&
    storedRouting(person) === null
  );
}

/**
 * Builds routing again after a `routing.yaml` change. Runs before the person's transaction: the
 * rebuild reads Salesforce's users and writes what it learned through `ctx.store`.
 */
export async function refreshRouting(ctx: PipelineContext): Promise<void> {
  await ctx.routing?.refresh(ctx.store);
}

/**
 * Decides the owner of `person` in `tx` (the person's transaction: the lease, the rotation and
 * the decision commit or roll back with it) and stores it on `person`, which the caller saves.
 */
export async function routeHandoff(
  ctx: PipelineContext,
  tx: Store,
  person: PersonRow,
  events: PersonFacts['events'],
  at: string,
): Promise<StoredRouting | null> {
  const runtime = ctx.routing?.runtime;
  if (!runtime) return null;
  const key = String(person.id);
  const decisions = await runtime.routeBatch(
    [{ key, email: person.email, person: person.fields, scores: person.scores, events, at }],
    undefined,
    tx,
  );
  const d = decisions.get(key);
  if (!d) return null;
  const stored = toStored(d, at);
  setRouting(person, stored);
  return stored;
}
