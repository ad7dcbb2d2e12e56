/**
 * The pure half of `baton simulate`: one JSON Lines person read and checked, replayed under one
 * or two agreements, and tallied. The command does the file and terminal I/O around it.
 */
import { z } from 'zod';
import { EVENT_TYPES, STAGES, eventType, type Stage } from '../config/schema.ts';
import { round2 } from './condition.ts';
import { replay, type ReplayInput, type ReplayResult } from './replay.ts';
import { parseInstant } from './time.ts';
import type { Agreement } from './types.ts';

const instant = z.string().refine((s) => !Number.isNaN(Date.parse(s)), { message: 'expected an ISO 8601 time' });
const fields = z.record(z.string(), z.unknown());

export const simulationLine = z.object({
  email: z.string().min(1),
  person: fields.default({}),
  deal: fields.nullable().optional(),
  events: z
    .array(z.object({ id: z.string().optional(), type: eventType, at: instant, properties: fields.default({}) }))
    .default([]),
  feedback: z
    .array(z.object({ decision: z.enum(['accept', 'reject']), reason: z.string().optional(), at: instant }))
    .default([]),
  converted: z.boolean().optional(),
});

const KNOWN_TYPES: ReadonlySet<string> = new Set(EVENT_TYPES);
const CUSTOM_TYPE = /^custom:[A-Za-z0-9_.-]+$/;
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInstant = (v: unknown): v is string =>
  typeof v === 'string' && (surelyInstant(v) || !Number.isNaN(Date.parse(v)));

/**
 * `YYYY-MM-DDTHH:MM:SS[.sss]Z` with a day up to 28: a time `Date.parse` certainly reads, told
 * without calling it (it ran for every event and cost more than the rest of the check).
 */
export function surelyInstant(s: string): boolean {
  const n = s.length;
  if ((n !== 20 && n !== 24) || s.charCodeAt(n - 1) !== 90 || s.charCodeAt(10) !== 84) return false;
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58)
    return false;
  if (n === 24 && (s.charCodeAt(19) !== 46 || !digits(s, 20, 23))) return false;
  if (!digits(s, 0, 4) || !digits(s, 5, 7) || !digits(s, 8, 10) || !digits(s, 11, 13)) return false;
  if (!digits(s, 14, 16) || !digits(s, 17, 19)) return false;
  const two = (i: number) => (s.charCodeAt(i) - 48) * 10 + s.charCodeAt(i + 1) - 48;
  const mo = two(5);
  const d = two(8);
  return mo >= 1 && mo <= 12 && d >= 1 && d <= 28 && two(11) < 24 && two(14) < 60 && two(17) < 60;
}

function digits(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if ((s.charCodeAt(i) - 48) >>> 0 > 9) return false;
  return true;
}

/** The common case checked by hand (a zod parse per line dominated `simulate`); null when the line needs zod's verdict. */
function checkedLine(raw: unknown): ReplayInput | null {
  if (!isRecord(raw)) return null;
  const { email, person, deal, events, feedback, converted } = raw;
  if (typeof email !== 'string' || email.length === 0) return null;
  if (person !== undefined && !isRecord(person)) return null;
  if (deal !== undefined && deal !== null && !isRecord(deal)) return null;
  if (converted !== undefined && typeof converted !== 'boolean') return null;
  if (events !== undefined && !Array.isArray(events)) return null;
  if (feedback !== undefined && !Array.isArray(feedback)) return null;
  const outEvents: NonNullable<ReplayInput['events']> = [];
  for (const e of (events ?? []) as unknown[]) {
    if (!isRecord(e)) return null;
    const { id, type, at, properties } = e;
    if (id !== undefined && typeof id !== 'string') return null;
    if (typeof type !== 'string' || !(KNOWN_TYPES.has(type) || CUSTOM_TYPE.test(type))) return null;
    if (!isInstant(at) || (properties !== undefined && !isRecord(properties))) return null;
    // `atMs` is what the engine would read from `at` (parseInstant), read once here.
    const atMs = parseInstant(at);
    outEvents.push(
      id === undefined
        ? { type, at, atMs, properties: properties ?? {} }
        : { id, type, at, atMs, properties: properties ?? {} },
    );
  }
  const outFeedback: NonNullable<ReplayInput['feedback']> = [];
  for (const f of (feedback ?? []) as unknown[]) {
    if (!isRecord(f)) return null;
    const { decision, reason, at } = f;
    if (decision !== 'accept' && decision !== 'reject') return null;
    if ((reason !== undefined && typeof reason !== 'string') || !isInstant(at)) return null;
    outFeedback.push(reason === undefined ? { decision, at } : { decision, reason, at });
  }
  const input: ReplayInput = { email, person: person ?? {}, events: outEvents, feedback: outFeedback };
  if (deal !== undefined) input.deal = deal;
  if (converted !== undefined) input.converted = converted;
  return input;
}

/** Reads one line; returns the person, or a message saying what is wrong (`events.0.at: expected …`). */
export function parseSimulationLine(text: string): { input: ReplayInput } | { error: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { error: `not JSON: ${(err as Error).message}` };
  }
  const fast = checkedLine(raw);
  if (fast) return { input: fast };
  // Anything the fast path does not accept goes through zod, so a bad line reads exactly as before.
  const parsed = simulationLine.safeParse(raw);
  if (parsed.success) return { input: parsed.data as ReplayInput };
  const issue = parsed.error.issues[0];
  const where = issue.path.length ? `${issue.path.join('.')}: ` : '';
  return { error: `${where}${issue.message}` };
}

export type StageCounts = Record<Stage, number>;

/** Zero for each of the nine stages. */
export function emptyCounts(): StageCounts {
  return Object.fromEntries(STAGES.map((s) => [s, 0])) as StageCounts;
}

/** One person's outcome as `baton simulate --json` prints it. */
export interface SimulatedPerson {
  email: string;
  stage: Stage;
  fit: number;
  engagement: number;
  /** A breach is a flag on the stage the person stays in (`breached: true`), not a move; skipped stages are `passed`. */
  transitions: { to: Stage; at: string; cause: string; passed?: Stage[]; breached?: true }[];
}

/** The printed shape of a replay; scores rounded to two decimals. */
export function simulatedPerson(email: string, r: ReplayResult): SimulatedPerson {
  return {
    email,
    stage: r.state.stage,
    fit: round2(r.scores.fit),
    engagement: round2(r.scores.engagement),
    transitions: r.transitions.map((t) => ({
      to: t.to,
      at: t.at,
      cause: t.cause,
      ...(t.passed.length ? { passed: t.passed } : {}),
      ...(t.breached ? { breached: true as const } : {}),
    })),
  };
}

export interface Change {
  email: string;
  from: Stage;
  to: Stage;
  /** What put the person where it is under each agreement (`state.reason`). */
  fromReason: string;
  toReason: string;
}

/** Replays one person under an agreement and, optionally, under another one to compare with. */
export function simulatePerson(
  input: ReplayInput,
  agreement: Agreement,
  against: Agreement | null,
  at: string,
): { person: SimulatedPerson; stageAgainst: Stage | null; change: Change | null } {
  const first = replay(agreement, input, at);
  const person = simulatedPerson(input.email, first);
  if (!against) return { person, stageAgainst: null, change: null };
  const other = replay(against, input, at);
  const to = other.state.stage;
  const change =
    to === person.stage
      ? null
      : {
          email: input.email,
          from: person.stage,
          to,
          fromReason: first.state.reason ?? `${person.stage}: no rule`,
          toReason: other.state.reason ?? `${to}: no rule`,
        };
  return { person, stageAgainst: to, change };
}
