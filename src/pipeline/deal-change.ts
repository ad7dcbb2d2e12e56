/**
 * A deal as the pipeline hands it on: its merged values without the sync sources (`dealValues`),
 * and what one deal record changed (`DealChange`, made by `person/deal-record.ts`). Shared at the
 * top of the pipeline, so the features the person stage calls on a deal change (`attribution/`,
 * `deals/`) read it without importing the person stage.
 */
import type { DealRow } from '../store/types.ts';

/** What one deal record changed: the deal as stored now, as it was, and its merged fields that changed. */
export interface DealChange {
  deal: DealRow;
  before: DealRow | null;
  /** Merged deal fields that changed. */
  changed: string[];
}

/** The deal's merged vocabulary values without the pipeline's sync sources. */
export function dealValues(deal: DealRow): Record<string, unknown> {
  const { $sources: _s, ...values } = deal.fields as Record<string, unknown>;
  return values;
}
