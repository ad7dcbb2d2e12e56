/**
 * Who owns a person, for write-back: the owner's name and email for `{{owner.name}}` and
 * `{{owner.email}}`, the routing reason for `{{routing.reason}}`, and the HubSpot owner whose
 * email equals the Salesforce owner's for `writeback.hubspot.owner`. Salesforce users and HubSpot
 * owners are cached in the store, so the person's transaction reads them without a CRM call.
 */
import { errorMessage } from '../../platform/errors.ts';
import { getKv, kv, setKv } from '../../store/keys.ts';
import type { PersonRow, Store } from '../../store/types.ts';
import type { PipelineContext } from '../context.ts';
import { storedRouting } from './stored-routing.ts';

export interface OwnerView {
  name?: string | null;
  email?: string | null;
  /** The HubSpot owner with the same email, when there is one. */
  hubspotId?: string | null;
}

/** Remembers Salesforce users' names and emails by id. */
export async function rememberUsers(
  store: Store,
  users: Iterable<{ id: string; name: string | null; email: string | null }>,
): Promise<void> {
  for (const u of users) await setKv(store, kv.salesforceUser(u.id), { name: u.name, email: u.email });
}

/**
 * Reads the Salesforce users among `ownerIds` that Baton has not cached yet (one query), so an owner
 * the org's assignment rule or a rep chose is known by name and email to templates and
 * `writeback.hubspot.owner` like one Baton routed. Ids that are no user (a queue) are remembered
 * as unknown, so they are not asked for again; a failed read leaves them to the next time.
 */
export async function learnOwners(
  ctx: Pick<PipelineContext, 'store' | 'connectors' | 'log'>,
  ownerIds: Iterable<unknown>,
): Promise<void> {
  const sf = ctx.connectors.salesforce;
  if (!sf?.usersById) return;
  const unknown: string[] = [];
  for (const id of new Set(ownerIds))
    if (typeof id === 'string' && id.startsWith('005') && (await getKv(ctx.store, kv.salesforceUser(id))) === undefined)
      unknown.push(id);
  if (unknown.length === 0) return;
  try {
    const users = await sf.usersById(unknown);
    await rememberUsers(
      ctx.store,
      [...unknown].map((id) => users.get(id) ?? { id, name: null, email: null }),
    );
  } catch (err) {
    ctx.log.warn('Salesforce owners could not be read; their names wait for the next change', {
      owners: unknown.length,
      error: errorMessage(err),
    });
  }
}

/** Reads HubSpot's owners into the store (`writeback.hubspot.owner`); false when the connector cannot. */
export async function refreshHubSpotOwners(ctx: PipelineContext): Promise<boolean> {
  const hs = ctx.connectors.hubspot as { ownerIdsByEmail?: () => Promise<Map<string, string>> } | undefined;
  if (!hs?.ownerIdsByEmail) return false;
  const owners = await hs.ownerIdsByEmail();
  await setKv(ctx.store, kv.hubspotOwners(), Object.fromEntries(owners));
  return true;
}

/** The owner of `p` now, as far as Baton knows, and the routing reason. */
export async function ownerOf(tx: Store, p: PersonRow): Promise<{ owner: OwnerView; reason: string | null }> {
  const routing = storedRouting(p);
  let owner: OwnerView = {};
  if (p.ownerId) {
    if (routing?.reassigned?.to === p.ownerId) owner = { email: routing.reassigned.toEmail ?? null };
    else if (routing?.ownerId === p.ownerId) owner = { name: routing.ownerName, email: routing.ownerEmail };
    const cached = await getKv(tx, kv.salesforceUser(p.ownerId));
    if (cached) owner = { name: owner.name ?? cached.name ?? null, email: owner.email ?? cached.email ?? null };
  }
  if (owner.email) {
    const hs = await getKv(tx, kv.hubspotOwners());
    const id = hs?.[owner.email.trim().toLowerCase()];
    if (id) owner.hubspotId = id;
  }
  return { owner, reason: routing?.reason ?? null };
}
