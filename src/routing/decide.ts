/**
 * The routing decision for one handed-off person: account match first, then the first rule whose
 * condition holds, then the fallback, then the org's own assignment rule. Pure: the caller passes
 * the matched account, the users' state and the rotation credits, and stores what comes back.
 */
import type { AccountMatch } from './accounts.ts';
import { pickNext, rotationOf, type RotationState } from './round-robin.ts';

export type Assign = { user: string } | { round_robin: string[]; weights?: Record<string, number> };

/** A rule of `routing.yaml`; `P` is what its condition is tested on (`RoutedPerson` from `policy.ts`). */
export interface CompiledRule<P = Record<string, unknown>> {
  id: string;
  holds: (person: P) => boolean;
  assign: Assign;
}

export interface RoutingPolicy<P = Record<string, unknown>> {
  rules: CompiledRule<P>[];
  fallback: Assign | null;
  skipInactive: boolean;
  capPerDay: number | null;
  /** `create: contact` turns an account match into a Contact on that Account. */
  createContactOnMatch: boolean;
  /** A match goes to the account's owner (`owner: account_owner`). */
  accountOwner: boolean;
}

export interface UserInfo {
  id: string;
  name: string;
  email: string;
  active: boolean;
}

export interface RoutingInputs {
  /** Users by the name `routing.yaml` gives them (username or email); unresolved names are absent. */
  users: Map<string, UserInfo>;
  /** Users by Salesforce id (account owners). */
  usersById: Map<string, UserInfo>;
  /** Assignments each user already has today (for `cap_per_day`), by user id. */
  assignedToday: Map<string, number>;
  /** Rotation credits per rule id (`fallback` for the fallback). */
  rotations: Map<string, RotationState>;
}

export interface RoutingDecision {
  /** `account`, a rule id, `fallback`, or `org` (the org's assignment rule decides). */
  rule: string;
  user: UserInfo | null;
  reason: string;
  createAs: 'Lead' | 'Contact';
  accountId?: string;
  /** New rotation credits to store for this rule, when a round robin picked. */
  rotation?: { key: string; state: RotationState };
}

function label(u: UserInfo): string {
  return u.name || u.email;
}

function takes<P>(policy: RoutingPolicy<P>, inputs: RoutingInputs, u: UserInfo | undefined): boolean {
  if (!u) return false;
  if (policy.skipInactive && !u.active) return false;
  if (policy.capPerDay !== null && (inputs.assignedToday.get(u.id) ?? 0) >= policy.capPerDay) return false;
  return true;
}

function assignBy<P>(
  key: string,
  assign: Assign,
  policy: RoutingPolicy<P>,
  inputs: RoutingInputs,
  passed: string[],
): { user: UserInfo; detail: string; rotation?: RoutingDecision['rotation'] } | null {
  if ('user' in assign) {
    const u = inputs.users.get(assign.user);
    if (u && takes(policy, inputs, u)) return { user: u, detail: `user: ${label(u)}` };
    passed.push(`${assign.user} ${u ? (u.active ? 'at cap' : 'inactive') : 'unknown'}`);
    return null;
  }
  const rotation = rotationOf(assign.round_robin, assign.weights);
  const eligible = (name: string) => {
    const ok = takes(policy, inputs, inputs.users.get(name));
    if (!ok) {
      const u = inputs.users.get(name);
      passed.push(`${name} ${u ? (u.active ? 'at cap' : 'inactive') : 'unknown'}`);
    }
    return ok;
  };
  const picked = pickNext(rotation, inputs.rotations.get(key) ?? {}, eligible);
  if (!picked) return null;
  const u = inputs.users.get(picked.user)!;
  const weight = rotation.find((r) => r.user === picked.user)!.weight;
  const total = rotation.reduce((s, r) => s + r.weight, 0);
  return {
    user: u,
    detail: `round robin: ${label(u)} (${weight} of ${total})`,
    rotation: { key, state: picked.state },
  };
}

/** Decides who gets one person and why. */
export function decideRoute<P>(
  person: P,
  match: AccountMatch,
  policy: RoutingPolicy<P>,
  inputs: RoutingInputs,
): RoutingDecision {
  const notes: string[] = [];
  if (match.kind === 'match') {
    const owner = inputs.usersById.get(match.account.ownerId);
    const createAs = policy.createContactOnMatch ? 'Contact' : 'Lead';
    if (policy.accountOwner && owner && (!policy.skipInactive || owner.active)) {
      return {
        rule: 'account',
        user: owner,
        reason: `account ${match.account.name} (by ${match.by.replace('_', ' ')}): owner ${label(owner)}`,
        createAs,
        accountId: match.account.id,
      };
    }
    notes.push(`account ${match.account.name} matched but its owner cannot take it`);
  } else if (match.kind === 'ambiguous') {
    notes.push(
      `ambiguous account match by ${match.by.replace('_', ' ')}: ${match.accounts.map((a) => a.name).join(', ')}`,
    );
  }
  const passed: string[] = [];
  for (const rule of policy.rules) {
    if (!rule.holds(person)) continue;
    const got = assignBy(rule.id, rule.assign, policy, inputs, passed);
    if (got) {
      const why = [
        ...notes,
        `rule ${rule.id}, ${got.detail}`,
        ...(passed.length ? [`passed over ${passed.join(', ')}`] : []),
      ];
      return { rule: rule.id, user: got.user, reason: why.join('; '), createAs: 'Lead', rotation: got.rotation };
    }
    notes.push(`rule ${rule.id} matched but every user was passed over`);
    break;
  }
  if (policy.fallback) {
    const got = assignBy('fallback', policy.fallback, policy, inputs, passed);
    if (got) {
      const why = [...notes, `fallback, ${got.detail}`, ...(passed.length ? [`passed over ${passed.join(', ')}`] : [])];
      return { rule: 'fallback', user: got.user, reason: why.join('; '), createAs: 'Lead', rotation: got.rotation };
    }
    notes.push('the fallback could not assign');
  }
  return {
    rule: 'org',
    user: null,
    reason: [...notes, "the org's assignment rule decides"].join('; '),
    createAs: 'Lead',
  };
}
