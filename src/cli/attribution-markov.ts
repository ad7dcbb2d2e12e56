/** The `markov` part of `baton attribution`'s table: what the model learned from, or why it refuses. */
import type { MarkovSummary } from '../pipeline/attribution/markov-report.ts';

/** `table` (the usual report) followed by the journeys learned from and each state's removal effect. */
export function formatMarkov(s: MarkovSummary, table: string): string {
  const m = s.markov;
  const learned = `learned from ${m.journeys} journey${m.journeys === 1 ? '' : 's'} (${m.converted_journeys} converted; minimum ${m.min_journeys}${m.include_non_deals ? ', people on no deal included' : ''})`;
  if (m.refused !== null) return [`markov refuses to credit: ${m.refused}`, '', table].join('\n');
  const entries = Object.entries(m.removal_effects);
  const width = Math.max('STATE'.length, ...entries.map(([k]) => k.length));
  return [
    table,
    '',
    `markov ${learned}, P(conversion) ${(m.conversion * 100).toFixed(1)}%`,
    `${'STATE'.padEnd(width)}  REMOVAL EFFECT`,
    ...entries.map(([k, v]) => `${k.padEnd(width)}  ${(v * 100).toFixed(1).padStart(13)}%`),
  ].join('\n');
}
