/**
 * From touches to `markov` journeys and back: a touch's state is its campaign (as every report
 * keys touches), else `channel:<channel>`; a won deal's amount is split over the states of its
 * own journey by their removal effects, and each state's cents equally over its touches.
 */
import type { Journey, MarkovFit } from './markov.ts';
import { splitCents, toCents } from './split.ts';
import { closeInstant, sharesOf, touchesInWindow, type PlacedTouch } from './touches.ts';
import type { AttributionResult, DealInput, Touch } from './types.ts';

/** The chain state of a touch: its campaign, else its channel as `channel:<name>`; `null` for neither. */
export function stateOf(touch: Pick<Touch, 'campaign' | 'channel'>): string | null {
  if (touch.campaign) return touch.campaign;
  return touch.channel ? `channel:${touch.channel}` : null;
}

function placedWithState(touches: readonly Touch[], closeDate: string, lookbackMs: number): PlacedTouch[] {
  return touchesInWindow(touches, closeInstant(closeDate), lookbackMs).filter((p) => stateOf(p.touch) !== null);
}

/** The journey of a closed deal: the states of its touches in `close − lookback ≤ t ≤ close`, in time order. */
export function dealJourney(
  touches: readonly Touch[],
  closeDate: string,
  lookbackMs: number,
  converted: boolean,
): Journey {
  return { states: placedWithState(touches, closeDate, lookbackMs).map((p) => stateOf(p.touch)!), converted };
}

/** The journey of a person who never reached a deal: every touch, in time order, ending in null. */
export function personJourney(touches: readonly Touch[]): Journey {
  // The whole range of a JavaScript Date: every touch whose time parses.
  const placed = touchesInWindow(touches, 8.64e15, 2 * 8.64e15);
  const states = placed.map((p) => stateOf(p.touch)).filter((s): s is string => s !== null);
  return { states, converted: false };
}

/**
 * The `markov` credit of one won deal: its amount in cents split over the distinct states of its
 * journey in proportion to their removal effects (remainder to the largest), then each state's
 * cents equally over that state's touches (remainder to the earliest). Unattributed when the fit
 * refused or no state of the deal has an effect.
 */
export function markovCredit(
  deal: DealInput,
  touches: readonly Touch[],
  fit: MarkovFit,
  lookbackMs: number,
): AttributionResult {
  const amountCents = toCents(deal.amount);
  const result: AttributionResult = {
    dealKey: deal.key,
    model: 'markov',
    amountCents,
    shares: [],
    unattributedCents: amountCents,
    keys: { ft: null, lc: null, oc: null, cw: null },
  };
  if (fit.refused !== null) return result;
  const placed = placedWithState(touches, deal.closeDate, lookbackMs);
  const byState = new Map<string, number[]>();
  placed.forEach((p, i) => {
    const s = stateOf(p.touch)!;
    byState.set(s, [...(byState.get(s) ?? []), i]);
  });
  const states = [...byState.keys()];
  const stateCents = splitCents(
    amountCents,
    states.map((s) => fit.removalEffects[s] ?? 0),
  );
  if (!stateCents) return result;
  const cents = new Array<number>(placed.length).fill(0);
  const credited = new Array<boolean>(placed.length).fill(false);
  states.forEach((s, k) => {
    if (!((fit.removalEffects[s] ?? 0) > 0)) return;
    const idx = byState.get(s)!;
    const parts = splitCents(
      stateCents[k],
      idx.map(() => 1),
    )!;
    idx.forEach((i, n) => {
      cents[i] = parts[n];
      credited[i] = true;
    });
  });
  result.unattributedCents = 0;
  result.shares = sharesOf(placed, cents, (i) => credited[i]);
  return result;
}
