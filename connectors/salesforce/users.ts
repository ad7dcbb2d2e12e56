/** Owners and users: who owns a record and who manages them (SLA escalation), and users by email or username (routing). */
import type { SalesforceClient } from './client.ts';
import { objectOfId } from './fields.ts';
import { chunkForIn, inList } from './soql.ts';

export interface SalesforceUser {
  id: string;
  name: string | null;
  email: string | null;
  username: string | null;
  managerId: string | null;
  isActive: boolean;
}

export interface OwnerAndManager {
  ownerId: string;
  owner: SalesforceUser | null;
  manager: SalesforceUser | null;
}

const USER_FIELDS = 'Id, Name, Email, Username, ManagerId, IsActive';

function toUser(r: Record<string, unknown>): SalesforceUser {
  return {
    id: String(r.Id),
    name: (r.Name as string | null) ?? null,
    email: (r.Email as string | null) ?? null,
    username: (r.Username as string | null) ?? null,
    managerId: (r.ManagerId as string | null) ?? null,
    isActive: r.IsActive !== false,
  };
}

/** Users by id (Account owners for routing, managers for escalation). */
export async function usersById(client: SalesforceClient, ids: string[]): Promise<Map<string, SalesforceUser>> {
  const out = new Map<string, SalesforceUser>();
  const userIds = ids.filter((id) => id.startsWith('005'));
  for (const part of chunkForIn([...new Set(userIds)])) {
    for (const r of await client.queryAll(`SELECT ${USER_FIELDS} FROM User WHERE ${inList('Id', part)}`, 'read users'))
      out.set(String(r.Id), toUser(r));
  }
  return out;
}

/** Each record's owner and the owner's manager (`User.ManagerId`), batched per object. */
export async function ownerAndManager(
  client: SalesforceClient,
  recordIds: string[],
): Promise<Map<string, OwnerAndManager>> {
  const byObject = new Map<string, string[]>();
  for (const id of new Set(recordIds)) {
    const obj = objectOfId(id);
    if (obj === 'Lead' || obj === 'Contact' || obj === 'Opportunity' || obj === 'Account')
      byObject.set(obj, [...(byObject.get(obj) ?? []), id]);
  }
  const ownerOf = new Map<string, string>();
  for (const [obj, ids] of byObject) {
    for (const part of chunkForIn(ids)) {
      for (const r of await client.queryAll(
        `SELECT Id, OwnerId FROM ${obj} WHERE ${inList('Id', part)}`,
        `read ${obj} owners`,
      ))
        ownerOf.set(String(r.Id), String(r.OwnerId));
    }
  }
  const owners = await usersById(client, [...ownerOf.values()]);
  const managers = await usersById(
    client,
    [...owners.values()].flatMap((u) => (u.managerId ? [u.managerId] : [])),
  );
  const out = new Map<string, OwnerAndManager>();
  for (const [rec, ownerId] of ownerOf) {
    const owner = owners.get(ownerId) ?? null;
    out.set(rec, { ownerId, owner, manager: owner?.managerId ? (managers.get(owner.managerId) ?? null) : null });
  }
  return out;
}

/** Users whose Email or Username is in `list` (case-insensitive), keyed by the lower-cased entry they matched. */
export async function usersByEmailOrUsername(
  client: SalesforceClient,
  list: string[],
): Promise<Map<string, SalesforceUser>> {
  const wanted = [...new Set(list.map((s) => s.trim().toLowerCase()).filter(Boolean))];
  const out = new Map<string, SalesforceUser>();
  for (const part of chunkForIn(wanted, 4000)) {
    const rows = await client.queryAll(
      `SELECT ${USER_FIELDS} FROM User WHERE ${inList('Email', part)} OR ${inList('Username', part)}`,
      'find users',
    );
    for (const r of rows) {
      const u = toUser(r);
      for (const k of [u.email, u.username])
        if (k && wanted.includes(k.toLowerCase()) && !out.has(k.toLowerCase())) out.set(k.toLowerCase(), u);
    }
  }
  return out;
}
