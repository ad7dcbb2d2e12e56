/**
 * The pure half of `baton simulate`: one JSON Lines person read and checked, replayed under one
 * or two agreements, and tallied. The command does the file and terminal I/O around it.
 */
import { z } from 'zod';
import { STAGES, eventType, type Stage } from '../config/schema.ts';
import { round2 } from './condition.ts';
import { replay, type ReplayInput, type ReplayResult } from './replay.ts';
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

/** Reads one line; returns the person, or a message saying what is wrong (`events.0.at: expected …`). */
export function parseSimulationLine(text: string): { input: ReplayInput } | { error: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { error: `not JSON: ${(err as Error).message}` };
  }
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
    transitions: r.transitions.map((t) => ({ to: t.to, at: t.at, cause: t.cause, ...(t.passed.length ? { passed: t.passed } : {}), ...(t.breached ? { breached: true as const } : {}) })),
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
