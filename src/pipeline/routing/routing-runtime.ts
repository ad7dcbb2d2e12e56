/**
 * The routing runtime of one instance: resolves `routing.yaml`'s users to Salesforce User ids at
 * start, matches a batch of handoffs to Accounts with one lookup, and decides owners in order with
 * the round-robin credits and daily counts kept in the store. The state is read, advanced and
 * written under one named store lease, so instances and restarts continue one rotation: the n-th
 * person of a rule goes to the same user whichever instance routes it.
 */
import type { AccountCandidate } from '../../routing/accounts.ts';
import { lookupKeys } from '../../routing/accounts.ts';
import { capDay, routeInOrder, type RoutingState } from '../../routing/batch.ts';
import type { UserInfo } from '../../routing/decide.ts';
import { unknownUserProblems, type CompiledRouting } from '../../routing/policy.ts';
import { pickNext, rotationOf, type RotationState } from '../../routing/round-robin.ts';
import { CrmError } from '../../platform/errors.ts';
import type { Logger } from '../../platform/logger.ts';
import { getKv, kv, setKv } from '../../store/keys.ts';
import type { Store } from '../../store/types.ts';
import type { RoutingRuntime } from '../routing-slot.ts';
import { sleep } from '../../platform/sleep.ts';

/** What routing asks of Salesforce. */
export interface RoutingDirectory {
  usersByEmailOrUsername(list: string[]): Promise<Map<string, DirectoryUser>>;
  usersById(ids: string[]): Promise<Map<string, DirectoryUser>>;
  findAccounts(keys: { domains: string[]; names: string[] }): Promise<AccountCandidate[]>;
}

export interface DirectoryUser {
  id: string;
  name: string | null;
  email: string | null;
  isActive: boolean;
}

export interface RoutingRuntimeOptions {
  store: Store;
  directory: RoutingDirectory;
  routing: CompiledRouting;
  /** The agreement's business-hours zone (`cap_per_day` counts days there); null: UTC. */
  timeZone: string | null;
  /** The file as shown in messages. */
  file?: string;
  instanceId: string;
  now?: () => Date;
  log?: Logger;
  /** How long the users' active flags are trusted before they are read again. */
  usersTtlMs?: number;
  leaseTtlMs?: number;
  /** Give up waiting for the routing lease after this long (the batch is retried later). */
  leaseWaitMs?: number;
}

export const ROUTING_LEASE = 'routing';

function toInfo(u: DirectoryUser): UserInfo {
  return { id: u.id, name: u.name ?? '', email: u.email ?? '', active: u.isActive };
}

/** Creates the runtime; `start` must run before the first batch. */
export function createRoutingRuntime(o: RoutingRuntimeOptions): RoutingRuntime {
  const now = o.now ?? (() => new Date());
  const file = o.file ?? 'routing.yaml';
  const names = [...new Set(o.routing.users.map((u) => u.name))];
  let users = new Map<string, UserInfo>();
  let usersAt = 0;

  async function loadUsers(): Promise<void> {
    const found = await o.directory.usersByEmailOrUsername(names);
    const next = new Map<string, UserInfo>();
    for (const n of names) {
      const u = found.get(n.trim().toLowerCase());
      if (u) next.set(n, toInfo(u));
    }
    users = next;
    usersAt = Date.now();
  }

  async function freshUsers(): Promise<void> {
    if (Date.now() - usersAt > (o.usersTtlMs ?? 5 * 60_000)) await loadUsers();
  }

  /**
   * Runs `fn` holding the routing lease; the state it reads and writes is nobody else's meanwhile.
   * Taken in `store`: inside a transaction, another instance's take waits for its commit.
   */
  async function underLease<T>(fn: () => Promise<T>, store: Store = o.store): Promise<T> {
    const ttl = o.leaseTtlMs ?? 30_000;
    const deadline = Date.now() + (o.leaseWaitMs ?? 20_000);
    for (let wait = 5; ; wait = Math.min(wait * 2, 100)) {
      if (await store.acquireLease(ROUTING_LEASE, o.instanceId, ttl, new Date().toISOString())) break;
      if (Date.now() > deadline)
        throw new CrmError('salesforce', 'another instance holds the routing lease; the handoffs are retried', {
          retryable: true,
        });
      await sleep(wait);
    }
    try {
      return await fn();
    } finally {
      await store.releaseLease(ROUTING_LEASE, o.instanceId).catch(() => {});
    }
  }

  async function loadState(rules: string[], day: string, store: Store = o.store): Promise<RoutingState> {
    const rotations = new Map<string, RotationState>();
    for (const r of rules) {
      const v = await getKv(store, kv.rotation(r));
      if (v) rotations.set(r, v);
    }
    const counts = await getKv(store, kv.assignedOn(day));
    return { rotations, assignedToday: new Map(Object.entries(counts ?? {})) };
  }

  async function saveState(
    tx: Store,
    state: RoutingState,
    before: Map<string, RotationState>,
    day: string,
  ): Promise<void> {
    for (const [rule, s] of state.rotations) if (before.get(rule) !== s) await setKv(tx, kv.rotation(rule), s);
    await setKv(tx, kv.assignedOn(day), Object.fromEntries(state.assignedToday));
  }

  const ruleKeys = () => [...o.routing.policy.rules.map((r) => r.id), 'fallback'];

  return {
    users: () => users,

    async start() {
      await loadUsers();
      return unknownUserProblems(o.routing.users, (n) => users.has(n), file);
    },

    async routeBatch(people, persist, within) {
      const store = within ?? o.store;
      if (people.length === 0) return new Map();
      await freshUsers();
      const match = o.routing.match;
      const accounts = match
        ? await o.directory.findAccounts(
            lookupKeys(
              people.map((p) => ({ email: p.email, companyName: p.person.company_name as string | null | undefined })),
              match,
            ),
          )
        : [];
      const byId = new Map<string, UserInfo>([...users.values()].map((u) => [u.id, u]));
      const owners = [...new Set(accounts.map((a) => a.ownerId))].filter((id) => !byId.has(id));
      if (owners.length) for (const [id, u] of await o.directory.usersById(owners)) byId.set(id, toInfo(u));
      const day = capDay(now(), o.timeZone);
      return underLease(async () => {
        const state = await loadState(ruleKeys(), day, store);
        const before = new Map(state.rotations);
        const decisions = routeInOrder(
          people,
          { policy: o.routing.policy, match, accounts, users, usersById: byId },
          state,
        );
        await store.transaction(async (tx) => {
          await saveState(tx, state, before, day);
          if (persist) await persist(tx, decisions);
        });
        return decisions;
      }, store);
    },

    async nextUser(rule, notUserId) {
      await freshUsers();
      const policy = o.routing.policy;
      const day = capDay(now(), o.timeZone);
      return underLease(async () => {
        const state = await loadState(ruleKeys(), day);
        const takes = (name: string) => {
          const u = users.get(name);
          if (!u || u.id === notUserId || (policy.skipInactive && !u.active)) return false;
          return policy.capPerDay === null || (state.assignedToday.get(u.id) ?? 0) < policy.capPerDay;
        };
        const candidates = [policy.rules.find((r) => r.id === rule), { id: 'fallback', assign: policy.fallback }];
        for (const c of candidates) {
          if (!c?.assign) continue;
          const a = c.assign;
          let picked: string | null = null;
          if ('user' in a) picked = takes(a.user) ? a.user : null;
          else {
            const next = pickNext(rotationOf(a.round_robin, a.weights), state.rotations.get(c.id) ?? {}, takes);
            if (next) {
              picked = next.user;
              await setKv(o.store, kv.rotation(c.id), next.state);
            }
          }
          if (picked) {
            const u = users.get(picked)!;
            state.assignedToday.set(u.id, (state.assignedToday.get(u.id) ?? 0) + 1);
            await setKv(o.store, kv.assignedOn(day), Object.fromEntries(state.assignedToday));
            return { user: u, rule: c.id };
          }
        }
        return null;
      });
    },
  };
}
