/**
 * Compiles `routing.yaml` into a `RoutingPolicy`: rule conditions through the agreement's condition
 * compiler, and every user name with the place in the file where it is written, so a name
 * Salesforce does not know is reported as `routing.yaml:LINE:COL`.
 */
import { compileCondition, conditionContext } from '../agreement/index.ts';
import type { AgreementEvent, Scores } from '../agreement/types.ts';
import type { Condition } from '../config/schema.ts';
import type { RoutingConfig } from '../config/routing-schema.ts';
import { parseYamlSource, positionOf, type ConfigPath } from '../config/yaml-source.ts';
import type { MatchOptions } from './accounts.ts';
import type { Assign, RoutingPolicy } from './decide.ts';

/** What routing sees of one handed-off person. */
export interface RoutedPerson {
  /** Stable key of the person (the store id); decisions are keyed by it. */
  key: string;
  email: string;
  /** Vocabulary values (`person.*`). */
  person: Record<string, unknown>;
  scores?: Scores;
  events?: AgreementEvent[];
  /** When the person is routed (ISO); conditions on events count up to it. */
  at: string;
}

export interface CompiledRouting {
  policy: RoutingPolicy<RoutedPerson>;
  /** Account matching; null when `match_accounts` is absent. */
  match: MatchOptions | null;
  /** Every user name, with where it is written (1-based line and column; 1:1 without the text). */
  users: { name: string; line: number; col: number }[];
}

function assignOf(a: RoutingConfig['fallback']): Assign | null {
  if (!a) return null;
  return 'user' in a ? { user: a.user } : { round_robin: a.round_robin, ...(a.weights ? { weights: a.weights } : {}) };
}

function namesOf(a: RoutingConfig['fallback'], path: ConfigPath): { name: string; path: ConfigPath }[] {
  if (!a) return [];
  if ('user' in a) return [{ name: a.user, path: [...path, 'user'] }];
  return a.round_robin.map((name, i) => ({ name, path: [...path, 'round_robin', i] }));
}

/** The routing policy of a validated `routing.yaml`; `text` (the file) gives the users' positions. */
export function compileRouting(cfg: RoutingConfig, text?: string | null, file = 'routing.yaml'): CompiledRouting {
  const rules = cfg.rules.map((r) => {
    const test = compileCondition(r.if as Condition);
    return {
      id: r.id,
      holds: (rp: RoutedPerson) => {
        const facts = { email: rp.email, person: rp.person ?? {}, deal: null, events: rp.events ?? [] };
        return test(conditionContext(facts, rp.at ?? new Date().toISOString(), rp.scores));
      },
      assign: assignOf(r.assign)!,
    };
  });
  const policy: RoutingPolicy<RoutedPerson> = {
    rules,
    fallback: assignOf(cfg.fallback),
    skipInactive: cfg.skip_inactive,
    capPerDay: cfg.cap_per_day ?? null,
    createContactOnMatch: cfg.match_accounts?.create === 'contact',
    accountOwner: (cfg.match_accounts?.owner ?? 'account_owner') === 'account_owner',
  };
  const match = cfg.match_accounts
    ? { by: cfg.match_accounts.by, ignoreDomains: cfg.match_accounts.ignore_domains }
    : null;
  const named = [
    ...cfg.rules.flatMap((r, i) => namesOf(r.assign, ['rules', i, 'assign'])),
    ...namesOf(cfg.fallback, ['fallback']),
  ];
  const source = text ? parseYamlSource(file, text) : null;
  const users = named.map(({ name, path }) => ({
    name,
    ...(source ? positionOf(source, path, 'value') : { line: 1, col: 1 }),
  }));
  return { policy, match, users };
}

/** `routing.yaml:LINE:COL: no Salesforce user 'x'` for every name Salesforce does not know. */
export function unknownUserProblems(
  users: CompiledRouting['users'],
  known: (name: string) => boolean,
  file = 'routing.yaml',
): string[] {
  return users.filter((u) => !known(u.name)).map((u) => `${file}:${u.line}:${u.col}: no Salesforce user '${u.name}'`);
}
