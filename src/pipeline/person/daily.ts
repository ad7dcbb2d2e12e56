/**
 * The daily re-evaluation: engagement decays with time, so once a day every person is evaluated
 * at the current time. Scores are written as whole numbers and only when they change, so a quiet
 * person costs at most one write a day. Holds that ended are picked up here too.
 */
import type { PipelineContext } from '../context.ts';
import { getKv, kv, setKv } from '../../store/keys.ts';
import { updatePerson } from './person-update.ts';

export const DAILY_MS = 86_400_000;
const LAST_RUN = kv.dailyLastRun();

/** Runs the re-evaluation when a day has passed since the last run; returns the people evaluated. */
export async function dailyReevaluation(ctx: PipelineContext, force = false): Promise<number> {
  if (!ctx.config()) return 0;
  const now = ctx.now();
  const last = await getKv(ctx.store, LAST_RUN);
  if (!force && last && now.getTime() - Date.parse(last) < DAILY_MS) return 0;
  if (!(await ctx.store.acquireLease('daily-reevaluation', ctx.instanceId, 3_600_000, now.toISOString()))) return 0;
  let count = 0;
  try {
    // Read again under the lease: another instance may have finished today's run meanwhile.
    const done = await getKv(ctx.store, LAST_RUN);
    if (!force && done && now.getTime() - Date.parse(done) < DAILY_MS) return 0;
    for (let afterId = 0; ;) {
      const page = await ctx.store.listPeople({ afterId, limit: 500 });
      for (const p of page) {
        await updatePerson(ctx, (tx) => tx.getPerson(p.id), { evaluateAt: now.toISOString() });
        count++;
      }
      if (page.length < 500) break;
      afterId = page[page.length - 1].id;
    }
    await setKv(ctx.store, LAST_RUN, now.toISOString());
  } finally {
    await ctx.store.releaseLease('daily-reevaluation', ctx.instanceId);
  }
  return count;
}
