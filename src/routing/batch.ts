/**
 * Routing a batch in order: each person's decision sees the rotation credits and daily counts the
 * earlier ones left, so a batch is the same as that many single handoffs one after another. Pure:
 * the caller loads the state, and stores what comes back.
 */
import {
  indexAccounts,
  matchAccount,
  type AccountCandidate,
  type AccountMatch,
  type MatchOptions,
} from './accounts.ts';
import { decideRoute, type RoutingDecision, type RoutingPolicy, type UserInfo } from './decide.ts';
import type { RoutedPerson } from './policy.ts';
import type { RotationState } from './round-robin.ts';

/** The state routing keeps between handoffs: rotation credits per rule, today's counts per user id. */
export interface RoutingState {
  rotations: Map<string, RotationState>;
  assignedToday: Map<string, number>;
}

export interface BatchInputs {
  policy: RoutingPolicy<RoutedPerson>;
  match: MatchOptions | null;
  /** Candidate accounts of the batch (empty when matching is off or skipped). */
  accounts: AccountCandidate[];
  users: Map<string, UserInfo>;
  usersById: Map<string, UserInfo>;
}

/** Decides every person in order, updating `state` in place; decisions keyed by `RoutedPerson.key`. */
export function routeInOrder(
  people: RoutedPerson[],
  inputs: BatchInputs,
  state: RoutingState,
): Map<string, RoutingDecision> {
  const index = indexAccounts(inputs.accounts);
  const out = new Map<string, RoutingDecision>();
  for (const p of people) {
    const match: AccountMatch = inputs.match
      ? matchAccount(
          { email: p.email, companyName: p.person.company_name as string | null | undefined },
          index,
          inputs.match,
        )
      : { kind: 'none' };
    const d = decideRoute(p, match, inputs.policy, {
      users: inputs.users,
      usersById: inputs.usersById,
      assignedToday: state.assignedToday,
      rotations: state.rotations,
    });
    if (d.rotation) state.rotations.set(d.rotation.key, d.rotation.state);
    if (d.user) state.assignedToday.set(d.user.id, (state.assignedToday.get(d.user.id) ?? 0) + 1);
    out.set(p.key, d);
  }
  return out;
}

/**
 * What-if inputs of a compiled `routing.yaml` with no Salesforce to ask: every named user taken as
 * active (its name is its id and email), no account matching (`simulate --routing` without accounts,
 * the preview of a draft).
 */
export function simulatedInputs(routing: {
  policy: RoutingPolicy<RoutedPerson>;
  users: { name: string }[];
}): BatchInputs {
  const users = new Map<string, UserInfo>(
    routing.users.map((u) => [u.name, { id: u.name, name: u.name, email: u.name, active: true }]),
  );
  return {
    policy: routing.policy,
    match: null,
    accounts: [],
    users,
    usersById: new Map([...users.values()].map((u) => [u.id, u])),
  };
}

/** The date (`YYYY-MM-DD`) `cap_per_day` counts in: the agreement's business-hours zone, else UTC. */
export function capDay(at: string | Date, timeZone: string | null): string {
  const fmt = new Intl.DateTimeFormat('en-CA', {
    timeZone: timeZone ?? 'UTC',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  });
  return fmt.format(typeof at === 'string' ? new Date(at) : at);
}
