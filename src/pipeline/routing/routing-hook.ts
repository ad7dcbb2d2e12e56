/**
 * Routing at handoff: the Salesforce connector calls this for the new people that survived its
 * duplicate check, just before creating them. Each person is routed once: the decision is stored
 * on the person (`$meta.routing`, and its owner) before the create, in the transaction that
 * advances the rotation, so a retried create places the person exactly as the first attempt did
 * and the rotation advances once per person, crash or not.
 */
import type { WriteOp } from '../../../connectors/types.ts';
// The Salesforce connector calls back into routing mid-write; routing decided before the write
// (issue 18) removes the callback and this import with it.
// eslint-disable-next-line no-restricted-imports -- issue 18: Salesforce's CreateRouter callback types
import type { CreatePlacement, CreateRouter } from '../../../connectors/salesforce/people-writer.ts';
import type { RoutingDecision } from '../../routing/decide.ts';
import type { RoutedPerson } from '../../routing/policy.ts';
import { StaleError } from '../../platform/errors.ts';
import { retryOnStale } from '../../platform/stale.ts';
import type { PersonRow, Store } from '../../store/types.ts';
import type { RoutingRuntime } from './routing-runtime.ts';

/** The Salesforce connector's routing callback types, for the pipeline's one door to them. */
export type { CreatePlacement, CreateRouter };

/** The decision as stored on the person and shown by `GET /api/people/:key`. */
export interface StoredRouting {
  rule: string;
  /** The owner's email (or name), null when the org's assignment rule decides. */
  user: string | null;
  reason: string;
  ownerId: string | null;
  ownerName: string | null;
  ownerEmail: string | null;
  createAs: 'Lead' | 'Contact';
  accountId?: string;
  at: string;
  /** Set when an SLA breach gave the person to someone else. */
  reassigned?: {
    from: string | null;
    to: string;
    toEmail?: string;
    rule: string;
    at: string;
    due: string;
    reason: string;
  };
  /** When the SLA reminder was queued, by clock start. */
  remindedFor?: string;
}

const PERSON_KEY = /^salesforce:person:(\d+)$/;

/** The person id of a Lead-create op (`salesforce:person:ID`), or null. */
export function personIdOf(op: WriteOp): number | null {
  const m = PERSON_KEY.exec(op.key);
  return m ? Number(m[1]) : null;
}

/** The routing decision stored on a person, if any. */
export function storedRouting(p: PersonRow): StoredRouting | null {
  const meta = (p.fieldSources as Record<string, unknown>).$meta as { routing?: StoredRouting } | undefined;
  return meta?.routing ?? null;
}

export function toStored(d: RoutingDecision, at: string): StoredRouting {
  return {
    rule: d.rule,
    user: d.user ? d.user.email || d.user.name : null,
    reason: d.reason,
    ownerId: d.user?.id ?? null,
    ownerName: d.user?.name || null,
    ownerEmail: d.user?.email || null,
    createAs: d.createAs,
    ...(d.accountId ? { accountId: d.accountId } : {}),
    at,
  };
}

export function placementOf(r: StoredRouting): CreatePlacement {
  return { ownerId: r.ownerId, object: r.createAs, ...(r.accountId ? { accountId: r.accountId } : {}) };
}

/**
 * Stores `change(routing)` on person `id` with optimistic concurrency (a concurrent save makes it
 * read again); with `owner`, the person's owner too (when it names one). Returns what is stored.
 */
export async function saveRouting(
  store: Store,
  id: number,
  change: (prev: StoredRouting | null) => StoredRouting,
  owner?: (r: StoredRouting) => string | null,
  now = new Date().toISOString(),
): Promise<StoredRouting | null> {
  return retryOnStale(async () => {
    const p = await store.getPerson(id);
    if (!p) return null;
    const sources = p.fieldSources as Record<string, unknown>;
    const meta = (sources.$meta as Record<string, unknown> | undefined) ?? {};
    const next = change(storedRouting(p));
    p.fieldSources = { ...sources, $meta: { ...meta, routing: next } };
    const ownerId = owner?.(next);
    if (ownerId) p.ownerId = ownerId;
    p.updatedAt = now;
    if (await store.savePerson(p)) return next;
    throw new StaleError(`person ${id} kept changing while its routing was stored`, { details: { personId: id } });
  });
}

/** The `CreateRouter` of the Salesforce connector, over the routing runtime and the store. */
export function createRouteHook(
  store: Store,
  runtime: RoutingRuntime,
  now: () => Date = () => new Date(),
): CreateRouter {
  return async (ops) => {
    const out = new Map<string, CreatePlacement>();
    const fresh: { op: WriteOp; person: PersonRow }[] = [];
    for (const op of ops) {
      const id = personIdOf(op);
      const person = id === null ? null : await store.getPerson(id);
      if (!person) continue;
      const done = storedRouting(person);
      if (done) out.set(op.key, placementOf(done));
      else fresh.push({ op, person });
    }
    if (fresh.length === 0) return out;
    const at = now().toISOString();
    const people: RoutedPerson[] = [];
    for (const { person } of fresh) {
      const events = (await store.listEvents(person.id)).map((e) => ({
        id: e.id,
        type: e.type,
        at: e.at,
        properties: e.properties,
      }));
      people.push({
        key: String(person.id),
        email: person.email,
        person: person.fields,
        scores: person.scores,
        events,
        at,
      });
    }
    await runtime.routeBatch(people, async (tx, decisions) => {
      for (const { op, person } of fresh) {
        const d = decisions.get(String(person.id));
        if (!d) continue;
        const stored = await saveRouting(
          tx,
          person.id,
          (prev) => prev ?? toStored(d, at),
          (r) => r.ownerId,
          at,
        );
        if (stored) out.set(op.key, placementOf(stored));
      }
    });
    return out;
  };
}

/** The decision as the transition history's meta names it. */
export function routingMeta(r: StoredRouting): { rule: string; user: string | null; reason: string } {
  return { rule: r.rule, user: r.user, reason: r.reason };
}
