/**
 * Business-time arithmetic in an IANA time zone: `[from, to)` on listed weekdays, across weekends
 * and DST changes. Zone offsets come from Intl and are cached per quarter hour, since zones change
 * offset at most a few times a year and the SLA clock asks often.
 */
import { InputError } from '../platform/errors.ts';

const DAY_MS = 86_400_000;
const BUCKET_MS = 900_000;
const DAY_INDEX: Record<string, number> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };

export interface BusinessHours {
  tz: string;
  days: readonly string[];
  from: string;
  to: string;
}

/** Offset (local − UTC, ms) of a zone at an instant. */
export type OffsetFn = (utcMs: number) => number;

/** A cached offset function for one zone; throws `InputError` for an unknown zone. */
export function zoneOffset(tz: string): OffsetFn {
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch (err) {
    throw new InputError(`'${tz}' is not an IANA time zone (e.g. America/New_York)`, {
      cause: err,
      field: 'sla.business_hours.tz',
    });
  }
  const cache = new Map<number, number>();
  return (utcMs) => {
    const bucket = Math.floor(utcMs / BUCKET_MS);
    const hit = cache.get(bucket);
    if (hit !== undefined) return hit;
    const at = bucket * BUCKET_MS;
    const p: Record<string, number> = {};
    for (const part of fmt.formatToParts(at)) if (part.type !== 'literal') p[part.type] = Number(part.value);
    const local = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
    const off = local - at;
    if (cache.size > 50_000) cache.clear();
    cache.set(bucket, off);
    return off;
  };
}

/** The UTC instant of a local wall time (local ms since epoch); a time inside a DST gap moves forward. */
export function fromLocal(localMs: number, offset: OffsetFn): number {
  const first = localMs - offset(localMs);
  const second = localMs - offset(first);
  return second;
}

function minutes(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

/** Adds business time to an instant. */
export type BusinessAdder = (startMs: number, durationMs: number) => number;

/**
 * Compiles business hours into an adder: the instant when `durationMs` of time inside the hours
 * has passed since `startMs` (a start outside hours waits for the next opening).
 */
export function compileBusinessHours(hours: BusinessHours): BusinessAdder {
  const offset = zoneOffset(hours.tz);
  const open = new Array<boolean>(7).fill(false);
  for (const d of hours.days) open[DAY_INDEX[d]] = true;
  const fromMs = minutes(hours.from) * 60_000;
  const toMs = minutes(hours.to) * 60_000;
  // `to` at or before `from` means the window closes the next day.
  const overnight = toMs <= fromMs;
  return (startMs, durationMs) => {
    let remaining = durationMs;
    let day = Math.floor((startMs + offset(startMs)) / DAY_MS) - (overnight ? 1 : 0);
    // Ten years of closed days would mean no opening at all; `days` has at least one entry.
    for (let i = 0; i < 3700; i++, day++) {
      const dow = (((day + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday.
      if (!open[dow]) continue;
      const opens = fromLocal(day * DAY_MS + fromMs, offset);
      const closes = fromLocal((overnight ? day + 1 : day) * DAY_MS + toMs, offset);
      const s = opens > startMs ? opens : startMs;
      if (s >= closes) continue;
      const available = closes - s;
      if (remaining <= available) return s + remaining;
      remaining -= available;
    }
    throw new InputError('business hours never open', { field: 'sla.business_hours' });
  };
}
