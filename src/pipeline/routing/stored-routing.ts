/**
 * The routing decision as stored on a person (`$meta.routing`, with its owner): written once, in
 * the person's transaction that advances the rotation (`route-handoff.ts`), and read by the
 * desired state (the Lead create's placement), the SLA policies and the person view. Pure.
 */
import type { Placement } from '../../../connectors/types.ts';
import type { RoutingDecision } from '../../routing/decide.ts';
import type { PersonRow } from '../../store/types.ts';

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

/** The routing decision stored on a person, if any. */
export function storedRouting(p: PersonRow): StoredRouting | null {
  const meta = p.fieldSources.$meta as { routing?: StoredRouting } | undefined;
  return meta?.routing ?? null;
}

/** `p` with `r` stored as its routing decision and, when `r` names one, its owner (in memory: the caller saves). */
export function setRouting(p: PersonRow, r: StoredRouting): void {
  const meta = (p.fieldSources.$meta as Record<string, unknown> | undefined) ?? {};
  p.fieldSources = { ...p.fieldSources, $meta: { ...meta, routing: r } };
  if (r.ownerId) p.ownerId = r.ownerId;
}

/** A decision as it is stored, decided at `at`. */
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

/** Where the person's create puts it: the routed owner, and a Contact on the matched Account. */
export function placementOf(r: StoredRouting): Placement {
  return {
    ...(r.ownerId ? { ownerId: r.ownerId } : {}),
    object: r.createAs,
    ...(r.accountId ? { accountId: r.accountId } : {}),
  };
}

/** The decision as the transition history's meta names it. */
export function routingMeta(r: StoredRouting): { rule: string; user: string | null; reason: string } {
  return { rule: r.rule, user: r.user, reason: r.reason };
}
