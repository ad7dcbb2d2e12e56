/** HubSpot's `lifecyclestage` for a Baton stage (README "What is written, and when"). */
import type { Stage } from '../config/schema.ts';

export interface LifecycleWrite {
  value: string;
  /** HubSpot refuses a backward move; the property must be cleared (`""`) first, then set. */
  clearFirst: boolean;
}

const FORWARD: Partial<Record<Stage, string>> = {
  lead: 'lead',
  mql: 'marketingqualifiedlead',
  sal: 'salesqualifiedlead',
  sql: 'salesqualifiedlead',
  opportunity: 'opportunity',
  won: 'customer',
};

/** The lifecycle stage to write for `stage`, or `undefined` to leave it (`lost`). */
export function lifecycleFor(stage: Stage): LifecycleWrite | undefined {
  if (stage === 'recycled' || stage === 'disqualified') return { value: 'lead', clearFirst: true };
  const value = FORWARD[stage];
  return value === undefined ? undefined : { value, clearFirst: false };
}
