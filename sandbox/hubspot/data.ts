/**
 * The in-memory HubSpot account behind the fake API: records, associations with their type ids,
 * property definitions, and HubSpot's own write rules (picklist options, lifecycle stages that only
 * move forward unless cleared first).
 */

export type ObjectType = 'contacts' | 'companies' | 'deals';

export interface FakeRecord {
  id: string;
  properties: Record<string, string | null>;
  createdAt: string;
  updatedAt: string;
}

export interface PropertyDef {
  name: string;
  label: string;
  type: string;
  fieldType: string;
  groupName: string;
  options?: { label: string; value: string }[];
  hubspotDefined?: boolean;
}

/** HubSpot-defined association type ids (v4), by direction. */
export const ASSOC_TYPES = {
  contact_to_company: 279,
  contact_to_company_primary: 1,
  company_to_contact: 280,
  company_to_contact_primary: 2,
  contact_to_deal: 4,
  deal_to_contact: 3,
  deal_to_company: 341,
  company_to_deal: 342,
} as const;

export const LIFECYCLE_ORDER = [
  'subscriber',
  'lead',
  'marketingqualifiedlead',
  'salesqualifiedlead',
  'opportunity',
  'customer',
  'evangelist',
  'other',
];

/** The property HubSpot stamps on every write of this object type. */
export function modifiedProperty(type: ObjectType): string {
  return type === 'contacts' ? 'lastmodifieddate' : 'hs_lastmodifieddate';
}

/** `contacts`, `contact`, `0-1` → `contacts`; null for objects the fake does not hold. */
export function objectTypeOf(name: string): ObjectType | null {
  const n = name.toLowerCase();
  if (n === 'contacts' || n === 'contact' || n === '0-1') return 'contacts';
  if (n === 'companies' || n === 'company' || n === '0-2') return 'companies';
  if (n === 'deals' || n === 'deal' || n === '0-3') return 'deals';
  return null;
}

const opts = (...values: string[]) => values.map((v) => ({ label: v, value: v }));
const text = (name: string, groupName = 'contactinformation'): PropertyDef => ({
  name,
  label: name,
  type: 'string',
  fieldType: 'text',
  groupName,
  hubspotDefined: true,
});
const dt = (name: string, groupName = 'contactinformation'): PropertyDef => ({
  ...text(name, groupName),
  type: 'datetime',
  fieldType: 'date',
});
const num = (name: string, groupName = 'contactinformation'): PropertyDef => ({
  ...text(name, groupName),
  type: 'number',
  fieldType: 'number',
});
const enumeration = (name: string, values: string[], groupName = 'contactinformation'): PropertyDef => ({
  ...text(name, groupName),
  type: 'enumeration',
  fieldType: 'select',
  options: opts(...values),
});

function defaultProperties(): Record<ObjectType, PropertyDef[]> {
  return {
    contacts: [
      ...[
        'email',
        'firstname',
        'lastname',
        'company',
        'jobtitle',
        'country',
        'phone',
        'hubspot_owner_id',
        'hs_object_id',
      ].map((n) => text(n)),
      ...[
        'recent_conversion_event_name',
        'first_conversion_event_name',
        'hs_analytics_source',
        'hs_analytics_source_data_1',
        'hs_analytics_source_data_2',
      ].map((n) => text(n, 'conversioninformation')),
      ...[
        'hs_latest_source',
        'hs_latest_source_data_1',
        'hs_latest_source_data_2',
        'hs_analytics_last_url',
        'hs_email_last_email_name',
      ].map((n) => text(n, 'analyticsinformation')),
      ...[
        'recent_conversion_date',
        'first_conversion_date',
        'hs_analytics_last_timestamp',
        'hs_email_last_open_date',
        'hs_email_last_click_date',
      ].map((n) => dt(n, 'analyticsinformation')),
      dt('createdate'),
      dt('lastmodifieddate'),
      num('numemployees'),
      enumeration('hs_lead_status', [
        'NEW',
        'OPEN',
        'IN_PROGRESS',
        'OPEN_DEAL',
        'UNQUALIFIED',
        'ATTEMPTED_TO_CONTACT',
        'CONNECTED',
        'BAD_TIMING',
      ]),
      enumeration('lifecyclestage', LIFECYCLE_ORDER),
    ],
    companies: [
      ...['name', 'domain', 'industry', 'country', 'hs_object_id'].map((n) => text(n, 'companyinformation')),
      num('numberofemployees', 'companyinformation'),
      num('annualrevenue', 'companyinformation'),
      dt('createdate', 'companyinformation'),
      dt('hs_lastmodifieddate', 'companyinformation'),
    ],
    deals: [
      ...['dealname', 'pipeline', 'hubspot_owner_id', 'hs_object_id'].map((n) => text(n, 'dealinformation')),
      num('amount', 'dealinformation'),
      dt('closedate', 'dealinformation'),
      dt('createdate', 'dealinformation'),
      dt('hs_lastmodifieddate', 'dealinformation'),
      enumeration(
        'dealstage',
        [
          'appointmentscheduled',
          'qualifiedtobuy',
          'presentationscheduled',
          'decisionmakerboughtin',
          'contractsent',
          'closedwon',
          'closedlost',
        ],
        'dealinformation',
      ),
    ],
  };
}

export interface Association {
  toId: string;
  typeIds: number[];
}

/** A property value HubSpot refuses, with its own wording. */
export interface PropertyProblem {
  isValid: false;
  message: string;
  error: string;
  name: string;
}

export class FakeHubSpotData {
  readonly records: Record<ObjectType, Map<string, FakeRecord>> = {
    contacts: new Map(),
    companies: new Map(),
    deals: new Map(),
  };
  readonly properties: Record<ObjectType, Map<string, PropertyDef>>;
  readonly groups: Record<ObjectType, Set<string>> = {
    contacts: new Set(['contactinformation', 'conversioninformation', 'analyticsinformation']),
    companies: new Set(['companyinformation']),
    deals: new Set(['dealinformation']),
  };
  /** `${from}:${fromId}:${to}` → associations. */
  private readonly assoc = new Map<string, Association[]>();
  private nextId = 5101;
  private readonly now: () => number;

  constructor(now: () => number) {
    this.now = now;
    const defs = defaultProperties();
    this.properties = {
      contacts: new Map(defs.contacts.map((p) => [p.name, p])),
      companies: new Map(defs.companies.map((p) => [p.name, p])),
      deals: new Map(defs.deals.map((p) => [p.name, p])),
    };
  }

  /** Removes a property at run time (one never created, or deleted); returns it. Records keep no value of it. */
  removeProperty(type: ObjectType, name: string): PropertyDef | undefined {
    const def = this.properties[type].get(name);
    this.properties[type].delete(name);
    for (const rec of this.records[type].values()) delete rec.properties[name];
    return def;
  }

  /** Adds a property at run time, as a person creating it in the portal would. */
  addProperty(type: ObjectType, def: PropertyDef): void {
    if (!this.properties[type].has(def.name)) this.properties[type].set(def.name, { ...def, hubspotDefined: false });
  }

  newId(): string {
    return String(this.nextId++);
  }

  /** Creates a record; `at` (ms) stamps its creation and modification time. */
  create(type: ObjectType, properties: Record<string, unknown>, opts: { id?: string; at?: number } = {}): FakeRecord {
    const id = opts.id ?? this.newId();
    if (Number(id) >= this.nextId) this.nextId = Number(id) + 1;
    const iso = new Date(opts.at ?? this.now()).toISOString();
    const props: Record<string, string | null> = {};
    for (const [k, v] of Object.entries(properties)) props[k] = v === null || v === undefined ? null : String(v);
    props.hs_object_id = id;
    props.createdate = iso;
    props[modifiedProperty(type)] = iso;
    const rec = { id, properties: props, createdAt: iso, updatedAt: iso };
    this.records[type].set(id, rec);
    return rec;
  }

  /** Problems HubSpot would report for these values (unknown property, bad option, bad number). */
  validate(type: ObjectType, properties: Record<string, unknown>): PropertyProblem[] {
    const problems: PropertyProblem[] = [];
    for (const [name, raw] of Object.entries(properties)) {
      const def = this.properties[type].get(name);
      const value = raw === null || raw === undefined ? '' : String(raw);
      if (!def) {
        problems.push({
          isValid: false,
          message: `Property "${name}" does not exist`,
          error: 'PROPERTY_DOESNT_EXIST',
          name,
        });
      } else if (value !== '' && def.options && !def.options.some((o) => o.value === value)) {
        problems.push({
          isValid: false,
          message: `${value} was not one of the allowed options: [${def.options.map((o) => o.value).join(', ')}]`,
          error: 'INVALID_OPTION',
          name,
        });
      } else if (value !== '' && def.type === 'number' && !Number.isFinite(Number(value))) {
        problems.push({ isValid: false, message: `${value} is not a valid number`, error: 'INVALID_DOUBLE', name });
      }
    }
    return problems;
  }

  /**
   * Applies validated values. `lifecyclestage` follows HubSpot's rule: a value earlier than the
   * current one is ignored unless the property was cleared first. Returns the properties that changed.
   */
  update(type: ObjectType, id: string, properties: Record<string, unknown>, at = this.now()): string[] {
    const rec = this.records[type].get(id);
    if (!rec) return [];
    const changed: string[] = [];
    for (const [name, raw] of Object.entries(properties)) {
      const value = raw === null || raw === undefined || raw === '' ? null : String(raw);
      if (name === 'lifecyclestage' && value !== null && rec.properties.lifecyclestage) {
        if (LIFECYCLE_ORDER.indexOf(value) < LIFECYCLE_ORDER.indexOf(rec.properties.lifecyclestage)) continue;
      }
      if ((rec.properties[name] ?? null) === value) continue;
      rec.properties[name] = value;
      changed.push(name);
    }
    if (changed.length) {
      const iso = new Date(at).toISOString();
      rec.properties[modifiedProperty(type)] = iso;
      rec.updatedAt = iso;
    }
    return changed;
  }

  /** Associates both directions, as HubSpot does; `primary` adds the Primary label (contact → company). */
  associate(from: ObjectType, fromId: string, to: ObjectType, toId: string, opts: { primary?: boolean } = {}): void {
    const types = typeIdsFor(from, to, !!opts.primary);
    this.addAssoc(`${from}:${fromId}:${to}`, toId, types.forward);
    this.addAssoc(`${to}:${toId}:${from}`, fromId, types.backward);
  }

  private addAssoc(key: string, toId: string, typeIds: number[]): void {
    const list = this.assoc.get(key) ?? [];
    const existing = list.find((a) => a.toId === toId);
    if (existing) existing.typeIds = [...new Set([...existing.typeIds, ...typeIds])];
    else list.push({ toId, typeIds });
    this.assoc.set(key, list);
  }

  associations(from: ObjectType, fromId: string, to: ObjectType): Association[] {
    return this.assoc.get(`${from}:${fromId}:${to}`) ?? [];
  }
}

function typeIdsFor(from: ObjectType, to: ObjectType, primary: boolean): { forward: number[]; backward: number[] } {
  const pair = `${from}>${to}`;
  switch (pair) {
    case 'contacts>companies':
      return primary
        ? {
            forward: [ASSOC_TYPES.contact_to_company_primary, ASSOC_TYPES.contact_to_company],
            backward: [ASSOC_TYPES.company_to_contact_primary, ASSOC_TYPES.company_to_contact],
          }
        : { forward: [ASSOC_TYPES.contact_to_company], backward: [ASSOC_TYPES.company_to_contact] };
    case 'companies>contacts':
      return primary
        ? {
            forward: [ASSOC_TYPES.company_to_contact_primary, ASSOC_TYPES.company_to_contact],
            backward: [ASSOC_TYPES.contact_to_company_primary, ASSOC_TYPES.contact_to_company],
          }
        : { forward: [ASSOC_TYPES.company_to_contact], backward: [ASSOC_TYPES.contact_to_company] };
    case 'contacts>deals':
      return { forward: [ASSOC_TYPES.contact_to_deal], backward: [ASSOC_TYPES.deal_to_contact] };
    case 'deals>contacts':
      return { forward: [ASSOC_TYPES.deal_to_contact], backward: [ASSOC_TYPES.contact_to_deal] };
    case 'deals>companies':
      return { forward: [ASSOC_TYPES.deal_to_company], backward: [ASSOC_TYPES.company_to_deal] };
    default:
      return { forward: [ASSOC_TYPES.company_to_deal], backward: [ASSOC_TYPES.deal_to_company] };
  }
}

/** The label HubSpot reports for an association type id, or null for unlabeled ones. */
export function assocLabel(typeId: number): string | null {
  return typeId === ASSOC_TYPES.contact_to_company_primary || typeId === ASSOC_TYPES.company_to_contact_primary
    ? 'Primary'
    : null;
}
