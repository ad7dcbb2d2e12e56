/**
 * Credit that follows the facts: a won deal's stored results (and its CampaignInfluence rows and
 * HubSpot summary, which `attributeDeal` replaces, never adds to) are computed again when a touch
 * inside its window arrives late, when the live agreement's `attribution` section changes, and on
 * `baton attribution --recompute`.
 */
import { closeInstant } from '../../attribution/index.ts';
import { parseDuration } from '../../config/duration.ts';
import { stableHash } from '../../mapping/index.ts';
import { errorMessage } from '../../platform/errors.ts';
import type { PersonRow, Store } from '../../store/types.ts';
import type { PipelineContext } from '../context.ts';
import { dealValues } from '../deal-change.ts';
import { attributeDeal } from './attribution-job.ts';

/** Every won deal with stored results has a `linear` one (it needs no settings). */
const EVERY_DEAL = 'linear';
/** The hash of the `attribution` section the stored results were computed under. */
const SETTINGS_KEY = 'attribution:settings-hash';
const LEASE = 'attribution-recompute';

/** Recomputes every won deal that has stored results; returns how many were recomputed. */
export async function recomputeWonDeals(ctx: PipelineContext): Promise<number> {
  let count = 0;
  for (const row of await ctx.store.attributionFor(EVERY_DEAL, null, null)) {
    const deal = await ctx.store.getDeal(row.dealKey);
    // A deal reopened since its win keeps its last results; only won deals are credited.
    if (!deal || dealValues(deal).stage !== 'won') continue;
    try {
      if (await attributeDeal(ctx, deal)) count++;
    } catch (err) {
      ctx.log.error('attribution failed', { deal: deal.key, error: errorMessage(err) });
    }
  }
  return count;
}

/** Touches `at` of `person` just stored: each won deal of the person whose window holds one is recomputed. */
export async function onTouchesStored(ctx: PipelineContext, person: PersonRow, at: readonly string[]): Promise<number> {
  if (at.length === 0) return 0;
  const settings = ctx.config()?.agreementConfig.attribution;
  const lookbackMs = parseDuration(settings?.lookback ?? '365d');
  const times = at.map((t) => Date.parse(t)).filter((t) => Number.isFinite(t));
  let count = 0;
  let deals;
  try {
    deals = await ctx.store.dealsForPerson(person.id);
    // Under account scope a touch also counts for the won deals of the person's Accounts/companies.
    if (settings?.scope === 'account') {
      const own = new Set(deals.map((d) => d.key));
      const onAccounts = await ctx.store.dealsOnAccounts(await ctx.store.accountsOfPerson(person.id));
      deals.push(...onAccounts.filter((d) => !own.has(d.key)));
    }
  } catch (err) {
    ctx.log.error('won deals of a late touch not read; attribution not recomputed', {
      person: person.id,
      error: errorMessage(err),
    });
    return 0;
  }
  for (const deal of deals) {
    const values = dealValues(deal);
    if (values.stage !== 'won') continue;
    const close = closeInstant(values.close_date ? String(values.close_date) : deal.updatedAt);
    if (!times.some((t) => t >= close - lookbackMs && t <= close)) continue;
    try {
      if (await attributeDeal(ctx, deal)) count++;
    } catch (err) {
      ctx.log.error('attribution failed', { deal: deal.key, error: errorMessage(err) });
    }
  }
  return count;
}

/** `baton attribution --recompute`: forgets which section the results were computed under, so `serve` recomputes them all. */
export async function requestRecompute(store: Store): Promise<void> {
  await store.setValue(SETTINGS_KEY, null);
}

/**
 * When the live `attribution` section differs from the one the stored results were computed
 * under (a new version went live, or the stored results predate it), recomputes every won deal
 * once, under a lease so one instance does it. Cheap when nothing changed: one stored value read.
 */
export async function recomputeOnSettingsChange(ctx: PipelineContext): Promise<number> {
  const live = ctx.config();
  if (!live) return 0;
  const hash = stableHash(live.agreementConfig.attribution ?? null);
  // One read per check (every few seconds), so a `--recompute` request is seen at once.
  if ((await ctx.store.getValue(SETTINGS_KEY)) === hash) return 0;
  if (!(await ctx.store.acquireLease(LEASE, ctx.instanceId, 3_600_000, ctx.now().toISOString()))) return 0;
  try {
    // Read again under the lease: another instance may have finished meanwhile.
    if ((await ctx.store.getValue(SETTINGS_KEY)) === hash) return 0;
    const count = await recomputeWonDeals(ctx);
    await ctx.store.setValue(SETTINGS_KEY, hash);
    if (count)
      ctx.log.info('attribution recomputed for a new attribution section', { version: live.version, deals: count });
    return count;
  } finally {
    await ctx.store.releaseLease(LEASE, ctx.instanceId);
  }
}
