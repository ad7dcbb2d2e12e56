/**
 * Attribution on won deals: when a deal is won, and again when a won deal's amount, close date or
 * people change, every model is computed and stored (`replaceAttribution`).
 */
import type { PipelineContext } from './context.ts';
import type { DealChange } from './deal-record.ts';

/** Recomputes attribution when a deal change matters to it. */
export async function onDealChanged(_ctx: PipelineContext, _change: DealChange): Promise<void> {
  // Filled in once the core flow is in place.
}
