/**
 * Resolves a CRM person record (HubSpot contact, Salesforce Lead/Contact) or an email to one
 * person: by CRM id first, then by normalized email. An email change keeps the person; merged
 * records (HubSpot `contact.merge`, Salesforce merge, Lead conversion) fold into the survivor, so
 * one human is never two people.
 */
import type { CrmRecord } from '../../../connectors/types.ts';
import type { FieldsConfig } from '../../config/schema.ts';
import { normalizeEmail } from '../../mapping/index.ts';
import { BatonError, StaleError } from '../../platform/errors.ts';
import type { Crm, PersonRow, Store } from '../../store/types.ts';

/** The CRM field holding the email, by the vocabulary's `email` field. */
export function emailField(fields: FieldsConfig, crm: Crm): string {
  return fields.person.fields.email?.[crm] ?? (crm === 'hubspot' ? 'email' : 'Email');
}

export const PERSON_OBJECTS = new Set(['contact', 'Lead', 'Contact']);

/** Finds or creates the person for an email. */
export async function personForEmail(tx: Store, email: string): Promise<PersonRow> {
  const key = normalizeEmail(email);
  if (!key) throw new BatonError('bad_event', 'an event needs an email', { details: { field: 'email' } });
  return (await tx.findPersonByEmail(key)) ?? (await tx.createPerson({ email: key }));
}

/** Merges `other` into `into`; true when it did (the row of `into` changed). */
async function fold(tx: Store, into: PersonRow, other: PersonRow | null): Promise<boolean> {
  if (!other || other.id === into.id) return false;
  await tx.mergePeople(into.id, other.id);
  return true;
}

/**
 * The person a person record belongs to, created when new; null when the record names no email
 * and no known id. Links the record's ids (and merged/converted ids) to the person.
 */
export async function personForRecord(tx: Store, fields: FieldsConfig, record: CrmRecord): Promise<PersonRow | null> {
  const crm = record.crm as Crm;
  const email = normalizeEmail(record.properties[emailField(fields, crm)]);
  const convertedTo =
    record.object === 'Lead' ? (record.properties.ConvertedContactId as string | null | undefined) : null;
  let person = await tx.findPersonByCrmId(crm, record.id);
  // The row read here is returned as it is unless a merge or an email change rewrote it.
  let rewritten = false;
  if (!person && convertedTo) person = await tx.findPersonByCrmId(crm, convertedTo);
  if (person && email && email !== person.email) {
    // The email changed in the CRM: the person keeps its history under the new key.
    const holder = await tx.findPersonByEmail(email);
    await fold(tx, person, holder);
    person = (await tx.getPerson(person.id))!;
    person.email = email;
    if (!(await tx.savePerson(person))) throw new StaleError();
    rewritten = true;
  }
  if (!person && email) person = (await tx.findPersonByEmail(email)) ?? (await tx.createPerson({ email }));
  if (!person) return null;
  for (const id of [...(record.mergedIds ?? []), ...(convertedTo ? [convertedTo] : [])]) {
    if (await fold(tx, person, await tx.findPersonByCrmId(crm, id))) rewritten = true;
  }
  for (const id of [record.id, ...(record.mergedIds ?? []), ...(convertedTo ? [convertedTo] : [])])
    await tx.linkCrmId(person.id, crm, id);
  // linking writes person_crm_ids only: an untouched row needs no second read
  return rewritten ? (await tx.getPerson(person.id))! : person;
}
