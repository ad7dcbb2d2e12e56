/**
 * Salesforce `Campaign.ActualCost` for ROI, read through the connector at most every ten minutes
 * and kept in the store (`kv.campaignCosts`), so `baton attribution` shows what `serve` last read.
 */
import { errorMessage } from '../../platform/errors.ts';
import { getKv, kv, setKv } from '../../store/keys.ts';
import type { Store } from '../../store/types.ts';
import type { PipelineContext } from '../context.ts';

const FRESH_MS = 10 * 60_000;

/** The stored costs by Campaign name (none read yet: empty). */
export async function storedCampaignCosts(store: Store): Promise<Record<string, number>> {
  return (await getKv(store, kv.campaignCosts()))?.costs ?? {};
}

/** The costs by Campaign name, read again from Salesforce when the stored ones are older than ten minutes. */
export async function campaignCosts(ctx: PipelineContext): Promise<Record<string, number>> {
  const stored = await getKv(ctx.store, kv.campaignCosts());
  const sf = ctx.connectors.salesforce;
  const now = ctx.now();
  if (!sf?.campaignCosts || (stored && now.getTime() - Date.parse(stored.at) < FRESH_MS)) return stored?.costs ?? {};
  try {
    const costs = Object.fromEntries(await sf.campaignCosts());
    await setKv(ctx.store, kv.campaignCosts(), { at: now.toISOString(), costs });
    return costs;
  } catch (err) {
    // ROI without fresh costs is still an answer: the last ones read (or none), and a warning.
    ctx.log.warn('Salesforce Campaign costs not read; ROI uses the last ones read', { error: errorMessage(err) });
    return stored?.costs ?? {};
  }
}
