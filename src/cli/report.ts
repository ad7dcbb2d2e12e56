/** `baton report outcomes …`: reports over the store (one subcommand so far). */
import { runWithStore } from './with-store.ts';
import { reportOutcomes, USAGE as OUTCOMES_USAGE } from './report-outcomes.ts';

export const summary = 'reports over the store: outcomes (is the agreement right?)';

const USAGE = `usage: baton report outcomes [options]\n\n${OUTCOMES_USAGE}`;

export function run(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'outcomes') {
    console.log(USAGE);
    return Promise.resolve(sub === '--help' || sub === '-h' ? 0 : 1);
  }
  return runWithStore('report outcomes', OUTCOMES_USAGE, rest, async (store) => {
    console.log(await reportOutcomes(store, rest, new Date().toISOString()));
    return 0;
  });
}
