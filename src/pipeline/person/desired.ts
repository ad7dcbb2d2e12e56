/**
 * Pure: the desired state of every CRM record Baton writes for one person — the HubSpot contact,
 * the Salesforce Lead/Contact (created at `create_in_salesforce`), the MQL Task and the breach
 * escalation Task. Values a CRM already holds (what it last told us, or what we last wrote) are
 * left out, so an unchanged value is never written again.
 */
import type { CrmObject } from '../../../connectors/types.ts';
import type { PersonState } from '../../agreement/types.ts';
import { parseDuration } from '../../config/duration.ts';
import type { FieldsConfig, Stage } from '../../config/schema.ts';
import { lifecycleFor, renderWriteback, toCrm, unchangedDropped, type TemplateContext } from '../../mapping/index.ts';
import type { RecordSnapshot } from '../../store/keys.ts';
import type { OutboxPayload } from '../../store/stored.ts';
import type { Crm, PersonRow } from '../../store/types.ts';
import { placementOf, storedRouting } from '../routing/stored-routing.ts';

// the stored shapes live with their readers (store/stored.ts, store/keys.ts); re-exported for the stages that compute with them
export type { OutboxPayload } from '../../store/stored.ts';
export type { RecordSnapshot } from '../../store/keys.ts';

export interface DesiredWrite {
  crm: Crm;
  key: string;
  payload: OutboxPayload;
  idempotencyKey: string;
  /** Create-once records (Tasks): never sent again once written. */
  once?: boolean;
  /**
   * Hold this write until `key` (another desired write of the person) is done, but no later than
   * `until`: the HubSpot contact waits for its Salesforce Lead, so what the create teaches (owner,
   * the Lead's Status) goes out in the same write instead of a second one.
   */
  waitsFor?: { crm: Crm; key: string; until: string };
}

/** How long a HubSpot contact's write waits for the person's Lead create at most (a slow or failing Salesforce never keeps the MQL out of HubSpot longer). */
export const HOLD_FOR_CREATE_MS = 10_000;

export interface DesiredInput {
  person: PersonRow;
  state: PersonState;
  fields: FieldsConfig;
  /** The agreement's `sla.on_breach` and business-hours zone. */
  onBreach: 'escalate' | 'reassign' | 'none';
  timeZone: string | null;
  snapshots: { hubspot?: RecordSnapshot | null; salesforce?: RecordSnapshot | null };
  /** Who gets the breach escalation: the owner's manager, else the owner. */
  escalateTo?: string | null;
  /** Routing decision and owner details for templates (and `hubspot_owner_id`), when known. */
  owner?: { name?: string | null; email?: string | null; hubspotId?: string | null };
  routingReason?: string | null;
  now: string;
}

/** The waterfall order used for `create_in_salesforce`: a later stage implies the earlier ones. */
const ORDER: Stage[] = ['lead', 'mql', 'sal', 'sql', 'opportunity', 'won'];

/** Whether the person's Salesforce create is due: no Salesforce record yet, and `create_in_salesforce` reached. */
export function salesforceCreateDue(person: PersonRow, state: PersonState, fields: FieldsConfig): boolean {
  const at = fields.person.create_in_salesforce;
  return !person.salesforceId && at !== 'never' && reached(state, at);
}

/** Whether the person has reached `stage` (entered it, or stands later in the waterfall). */
export function reached(state: PersonState, stage: Stage): boolean {
  if (state.entered?.[stage]) return true;
  const a = ORDER.indexOf(state.stage);
  const b = ORDER.indexOf(stage);
  return a >= 0 && b >= 0 && a >= b;
}

const DATE_FORMATS = new Map<string, Intl.DateTimeFormat>();

/** The date (`YYYY-MM-DD`) of an instant in `tz` (UTC without one). */
export function dateIn(iso: string, tz: string | null): string {
  const zone = tz ?? 'UTC';
  // Building a formatter costs far more than using one; a process sees only a few time zones.
  let fmt = DATE_FORMATS.get(zone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' });
    DATE_FORMATS.set(zone, fmt);
  }
  return fmt.format(new Date(iso));
}

/** The template context of a person. */
export function templateContext(input: DesiredInput): TemplateContext {
  const { person, state } = input;
  return {
    stage: state.stage,
    scores: { fit: person.scores.fit, engagement: person.scores.engagement },
    reason: state.reason ?? null,
    reject_reason: state.rejectReason ?? null,
    sla: { due: state.sla?.due ?? null },
    owner: { name: input.owner?.name ?? null, email: input.owner?.email ?? null },
    routing: { reason: input.routingReason ?? null },
    person: { email: person.email, ...person.fields },
  };
}

function hubspotContact(input: DesiredInput, ctx: TemplateContext): DesiredWrite | null {
  const { person, fields } = input;
  if (!person.hubspotId) return null;
  const snap = input.snapshots.hubspot;
  const props: Record<string, unknown> = {
    ...toCrm('person', fields, 'hubspot', person.fields, { object: 'contact', target: snap?.props }).properties,
    ...renderWriteback(fields.writeback?.hubspot?.contact ?? {}, ctx),
  };
  if (fields.writeback?.hubspot?.owner && input.owner?.hubspotId) props.hubspot_owner_id = input.owner.hubspotId;
  const payload: OutboxPayload = {
    object: 'contact',
    id: person.hubspotId,
    action: 'update',
    properties: {},
    purpose: 'person',
  };
  if (fields.writeback?.hubspot?.lifecyclestage) {
    const lc = lifecycleFor(input.state.stage);
    if (lc) {
      props.lifecyclestage = lc.value;
      if (lc.clearFirst) payload.clearFirst = ['lifecyclestage'];
    }
  }
  payload.properties = unchangedDropped(props, snap, fields.person.fields.email?.hubspot);
  if (snap && Object.hasOwn(snap.props, 'lifecyclestage') && Object.hasOwn(payload.properties, 'lifecyclestage'))
    payload.current = { lifecyclestage: snap.props.lifecyclestage ?? null };
  if (Object.keys(payload.properties).length === 0) return null;
  if (payload.clearFirst && !Object.hasOwn(payload.properties, 'lifecyclestage')) delete payload.clearFirst;
  return {
    crm: 'hubspot',
    key: `hubspot:contact:${person.hubspotId}`,
    payload,
    idempotencyKey: `person-${person.id}:hubspot`,
  };
}

function salesforcePerson(input: DesiredInput, ctx: TemplateContext): DesiredWrite | null {
  const { person, fields, state } = input;
  const writeback = renderWriteback(fields.writeback?.salesforce?.person ?? {}, ctx);
  const key = `salesforce:person:${person.id}`;
  if (person.salesforceId) {
    const object = (person.salesforceObject ?? 'Lead') as CrmObject;
    const snap = input.snapshots.salesforce;
    const props = unchangedDropped(
      {
        ...toCrm('person', fields, 'salesforce', person.fields, { object, target: snap?.props }).properties,
        ...writeback,
      },
      snap,
      fields.person.fields.email?.salesforce,
    );
    if (Object.keys(props).length === 0) return null;
    return {
      crm: 'salesforce',
      key,
      payload: { object, id: person.salesforceId, action: 'update', properties: props, purpose: 'person' },
      idempotencyKey: `person-${person.id}:salesforce`,
    };
  }
  if (!salesforceCreateDue(person, state, fields)) return null;
  const values = { email: person.email, ...person.fields };
  const props = {
    ...toCrm('person', fields, 'salesforce', values, { object: 'Lead', create: true }).properties,
    ...writeback,
  };
  if (person.ownerId) props.OwnerId = person.ownerId;
  const routing = storedRouting(person);
  return {
    crm: 'salesforce',
    key,
    payload: {
      object: 'Lead',
      action: 'create',
      properties: props,
      email: person.email,
      purpose: 'person',
      ...(routing ? { placement: placementOf(routing) } : {}),
    },
    idempotencyKey: `person-${person.id}:lead-create`,
  };
}

function mqlTask(input: DesiredInput, ctx: TemplateContext): DesiredWrite | null {
  const { person, state, fields } = input;
  const task = fields.writeback?.salesforce?.task;
  if (!task || !person.salesforceId || state.stage !== task.on) return null;
  const entry = task.on === 'mql' ? (state.sla?.startedAt ?? state.entered?.mql) : state.entered?.[task.on];
  if (!entry) return null;
  const dueAt =
    task.due === 'sla' ? state.sla?.due : new Date(Date.parse(entry) + parseDuration(task.due)).toISOString();
  const rendered = renderWriteback(
    { Subject: task.subject, ...(task.description ? { Description: task.description } : {}) },
    ctx,
  );
  const props: Record<string, unknown> = {
    ...rendered,
    WhoId: person.salesforceId,
    Status: 'Not Started',
    Priority: 'High',
  };
  if (dueAt) props.ActivityDate = dateIn(dueAt, input.timeZone);
  if (person.ownerId) props.OwnerId = person.ownerId;
  const id = `person-${person.id}:${task.on}:${entry}`;
  return {
    crm: 'salesforce',
    key: `salesforce:Task:${id}`,
    payload: { object: 'Task', action: 'create', properties: props, purpose: 'task' },
    idempotencyKey: `task:${id}`,
    once: true,
  };
}

function escalationTask(input: DesiredInput): DesiredWrite | null {
  const { person, state } = input;
  const sla = state.sla;
  if (input.onBreach !== 'escalate' || !sla?.breached || !person.salesforceId) return null;
  const to = input.escalateTo ?? person.ownerId;
  const props: Record<string, unknown> = {
    Subject: `SLA breached: ${[person.fields.first_name, person.fields.last_name].filter(Boolean).join(' ') || 'lead'} not answered by ${sla.due}`,
    Description: `Baton handed this person to sales at ${sla.startedAt}; the agreement asks for an answer by ${sla.due}.`,
    WhoId: person.salesforceId,
    ActivityDate: dateIn(input.now, input.timeZone),
    Status: 'Not Started',
    Priority: 'High',
  };
  if (to) props.OwnerId = to;
  const id = `person-${person.id}:breach:${sla.startedAt}`;
  return {
    crm: 'salesforce',
    key: `salesforce:Task:${id}`,
    payload: { object: 'Task', action: 'create', properties: props, purpose: 'escalation' },
    idempotencyKey: `task:${id}`,
    once: true,
  };
}

/** When a hold for the person's Lead create ends: `HOLD_FOR_CREATE_MS` after Baton handed the person over (entered the create stage). */
function holdUntil(input: DesiredInput): string {
  const at = input.fields.person.create_in_salesforce;
  const from =
    (at === 'mql' ? input.state.sla?.startedAt : undefined) ??
    (at !== 'never' ? input.state.entered?.[at] : undefined) ??
    input.now;
  return new Date(Date.parse(from) + HOLD_FOR_CREATE_MS).toISOString();
}

/** Every write this person needs now (before skipping what was already written). */
export function desiredWrites(input: DesiredInput): DesiredWrite[] {
  const ctx = templateContext(input);
  const contact = hubspotContact(input, ctx);
  const person = salesforcePerson(input, ctx);
  if (contact && person?.payload.action === 'create')
    contact.waitsFor = { crm: 'salesforce', key: person.key, until: holdUntil(input) };
  return [contact, person, mqlTask(input, ctx), escalationTask(input)].filter((w): w is DesiredWrite => w !== null);
}
