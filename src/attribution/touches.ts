/** The touches that count for a deal, in time order, and its key touches FT, LC, OC, CW. */
import { parseInstant } from '../mapping/time.ts';
import { InputError } from '../platform/errors.ts';
import type { DealInput, Share, Touch } from './types.ts';

const DAY_MS = 86_400_000;

/** A touch placed on the time line. */
export interface PlacedTouch {
  touch: Touch;
  ms: number;
}

/** Milliseconds of a close date; a date-only close date is the last millisecond of that day, UTC. */
export function closeInstant(closeDate: string): number {
  const ms = parseInstant(closeDate);
  if (ms === undefined)
    throw new InputError(`close date '${closeDate}' is not an ISO date or date-time`, { field: 'closeDate' });
  return /^\d{4}-\d{2}-\d{2}$/.test(closeDate.trim()) ? ms + DAY_MS - 1 : ms;
}

/** Milliseconds of an instant that must parse; `field` names it in the error. */
export function instant(iso: string, field: string): number {
  const ms = parseInstant(iso);
  if (ms === undefined) throw new InputError(`${field} '${iso}' is not an ISO date-time`, { field });
  return ms;
}

/**
 * Touches within `close − lookback ≤ t ≤ close`, earliest first (input order on a tie). A touch
 * whose time does not parse cannot be placed and is left out.
 */
export function touchesInWindow(touches: readonly Touch[], closeMs: number, lookbackMs: number): PlacedTouch[] {
  const placed: PlacedTouch[] = [];
  for (const touch of touches) {
    const ms = parseInstant(touch.at);
    if (ms !== undefined && ms >= closeMs - lookbackMs && ms <= closeMs) placed.push({ touch, ms });
  }
  return placed.sort((a, b) => a.ms - b.ms);
}

function lastAtOrBefore(placed: readonly PlacedTouch[], ms: number): number {
  for (let i = placed.length - 1; i >= 0; i--) if (placed[i].ms <= ms) return i;
  return -1;
}

/** Indexes into `placed` of FT, LC, OC, CW; `-1` for a key touch that does not exist. */
export interface KeyIndexes {
  ft: number;
  lc: number;
  oc: number;
  cw: number;
}

/** FT the first touch; LC the last at or before `mqlAt`; OC the last at or before creation; CW the last at or before close. */
export function keyIndexes(placed: readonly PlacedTouch[], deal: DealInput, closeMs: number): KeyIndexes {
  return {
    ft: placed.length > 0 ? 0 : -1,
    lc: deal.mqlAt === null ? -1 : lastAtOrBefore(placed, instant(deal.mqlAt, 'mqlAt')),
    oc: lastAtOrBefore(placed, instant(deal.createdAt, 'createdAt')),
    cw: lastAtOrBefore(placed, closeMs),
  };
}

/** The earliest of the people's `mql` times at or before the deal's creation, or `null`. */
export function mqlAtFor(createdAt: string, mqlTimes: Iterable<string | null | undefined>): string | null {
  const created = instant(createdAt, 'createdAt');
  let best: { iso: string; ms: number } | null = null;
  for (const iso of mqlTimes) {
    if (!iso) continue;
    const ms = parseInstant(iso);
    if (ms === undefined || ms > created) continue;
    if (!best || ms < best.ms) best = { iso, ms };
  }
  return best ? best.iso : null;
}

/** The shares of the placed touches that `credited` keeps, each with its cents, in time order. */
export function sharesOf(
  placed: readonly PlacedTouch[],
  cents: readonly number[],
  credited: (i: number) => boolean,
): Share[] {
  const shares: Share[] = [];
  placed.forEach(({ touch }, i) => {
    if (!credited(i)) return;
    const share: Share = {
      touchId: touch.id,
      campaign: touch.campaign,
      channel: touch.channel,
      personKey: touch.personKey,
      cents: cents[i],
    };
    if (touch.campaignId !== undefined) share.campaignId = touch.campaignId;
    shares.push(share);
  });
  return shares;
}
