/**
 * Work on many people in few store transactions. Each item runs under its own savepoint (a nested
 * `transaction`), so one failing item is undone alone; the batch commits once, which on SQLite
 * saves a WAL commit per person. Between batches the event loop gets a turn: store calls of
 * webhooks and of the outbox senders wait for a batch's connection, not for the whole claim, and
 * the senders can start on the rows the batch just queued.
 */
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { PipelineContext } from './context.ts';

/** People per transaction: ~2 ms each, so other store calls wait a few hundred ms at most. */
export const PEOPLE_PER_TRANSACTION = 25;

/**
 * Runs `fn(ctx, item)` for every item, `size` items to a transaction; `fn` gets a context whose
 * store is the transaction. Throws of `fn` are the caller's to catch per item; a batch that
 * fails as a whole (`fn` threw, or the commit failed) is rolled back and given to `failed`.
 */
export async function inTransactions<T>(
  ctx: PipelineContext,
  items: T[],
  fn: (ctx: PipelineContext, item: T) => Promise<void>,
  failed: (batch: T[], err: unknown) => void,
  size = PEOPLE_PER_TRANSACTION,
  /** Runs last in each batch's transaction (e.g. completing the batch's outbox rows). */
  end?: (ctx: PipelineContext) => Promise<void>,
): Promise<void> {
  for (let i = 0; i < items.length; i += size) {
    const batch = items.slice(i, i + size);
    try {
      await ctx.store.transaction(async (tx) => {
        const inner: PipelineContext = { ...ctx, store: tx };
        for (const item of batch) await fn(inner, item);
        if (end) await end(inner);
      });
      ctx.queued?.();
    } catch (err) {
      failed(batch, err);
    }
    await yieldToLoop();
  }
}
