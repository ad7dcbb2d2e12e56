/**
 * What Salesforce already holds for new people: the Lead or Contact of each email (the duplicate
 * check every create runs first, and again before each retry), and the owners new records ended
 * up with (the org's assignment rule runs on create).
 */
import type { WriteResult } from '../types.ts';
import type { SalesforceClient } from './client.ts';
import { compositeRunner, queryMany, type CompositeRunner } from './composite.ts';
import { chunkForIn, inList } from './soql.ts';

/** An email as the duplicate check compares it. */
export const normEmail = (e: string) => e.trim().toLowerCase();

export interface Existing {
  object: 'Lead' | 'Contact';
  id: string;
  ownerId?: string;
}

/** Which record already holds each email: a Contact first, then an open Lead, then a converted Lead's Contact. */
export function pickExisting(
  leads: Record<string, unknown>[],
  contacts: Record<string, unknown>[],
): Map<string, Existing> {
  const out = new Map<string, Existing>();
  for (const c of contacts)
    if (typeof c.Email === 'string' && !out.has(normEmail(c.Email)))
      out.set(normEmail(c.Email), { object: 'Contact', id: String(c.Id), ownerId: c.OwnerId as string | undefined });
  for (const l of leads) {
    if (typeof l.Email !== 'string' || l.IsConverted || out.has(normEmail(l.Email))) continue;
    out.set(normEmail(l.Email), { object: 'Lead', id: String(l.Id), ownerId: l.OwnerId as string | undefined });
  }
  for (const l of leads) {
    if (typeof l.Email !== 'string' || !l.IsConverted || !l.ConvertedContactId || out.has(normEmail(l.Email))) continue;
    out.set(normEmail(l.Email), { object: 'Contact', id: String(l.ConvertedContactId) });
  }
  return out;
}

/** Leads and Contacts holding any of `emails`: one Lead and one Contact query per chunk of emails, all in one composite call when they fit. */
export async function findExisting(
  client: SalesforceClient,
  emails: string[],
  run: CompositeRunner = compositeRunner(client),
): Promise<Map<string, Existing>> {
  const parts = chunkForIn(emails);
  const soqls = [
    ...parts.map(
      (part) => `SELECT Id, Email, OwnerId, IsConverted, ConvertedContactId FROM Lead WHERE ${inList('Email', part)}`,
    ),
    ...parts.map((part) => `SELECT Id, Email, OwnerId FROM Contact WHERE ${inList('Email', part)}`),
  ];
  const rows = await queryMany(client, soqls, 'duplicate check', run);
  return pickExisting(rows.slice(0, parts.length).flat(), rows.slice(parts.length).flat());
}

/** The owner each new Lead ended up with (the org's assignment rule runs on create), read back after creation. */
export async function readBackOwners(client: SalesforceClient, out: Map<string, WriteResult>): Promise<void> {
  const created = [...out.values()].filter(
    (r) => r.status === 'ok' && r.properties?.created && r.id && !r.properties.OwnerId,
  ) as Extract<WriteResult, { status: 'ok' }>[];
  if (!created.length) return;
  try {
    const owner = new Map<string, string>();
    for (const object of ['Lead', 'Contact']) {
      const of = created.filter((r) => (r.properties?.object ?? 'Lead') === object).map((r) => r.id as string);
      for (const ids of chunkForIn([...new Set(of)])) {
        for (const row of await client.queryAll(
          `SELECT Id, OwnerId FROM ${object} WHERE ${inList('Id', ids)}`,
          `read new ${object} owners`,
        ))
          owner.set(String(row.Id), String(row.OwnerId));
      }
    }
    for (const r of created)
      if (owner.has(r.id as string)) r.properties = { ...r.properties, OwnerId: owner.get(r.id as string) };
  } catch (err) {
    client.log.warn('salesforce: could not read back new Lead owners', { error: (err as Error).message });
  }
}
