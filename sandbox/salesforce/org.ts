/**
 * The in-memory org behind the fake Salesforce API: records, users, schema, an active Lead
 * assignment rule, validation rules and row locks injected by tests, and lead conversion.
 */
import { convertLead, type ConvertOptions, type Converted } from './convert.ts';
import { sfDateTime, type SaveError, type SaveResult, type SRecord, type ValidationRule } from './records.ts';
import { saveError } from './save-checks.ts';
import { defaultSchema, KEY_PREFIX, type FakeField } from './schema.ts';

export { sfDateTime, type SaveError, type SaveResult, type SRecord, type ValidationRule };

export interface FakeUser {
  Id?: string;
  Username: string;
  Name: string;
  Email: string;
  ManagerId?: string | null;
  IsActive?: boolean;
}

export interface FakeOrgOptions {
  orgId?: string;
  now?: () => Date;
  /** The org before `baton setup`: no Baton custom fields, no Lead Status `Qualified`. */
  bare?: boolean;
}

export class FakeOrg {
  readonly orgId: string;
  readonly schema: Record<string, FakeField[]>;
  readonly data = new Map<string, Map<string, SRecord>>();
  readonly validationRules: ValidationRule[] = [];
  /** Ids whose next save fails with UNABLE_TO_LOCK_ROW, with how many times left. */
  readonly lockedRows = new Map<string, number>();
  /** The active Lead assignment rule; null means none is active. */
  assignmentRule: ((lead: SRecord) => string | null) | null;
  now: () => Date;
  readonly integrationUserId: string;
  private counter = 0;

  constructor(options: FakeOrgOptions = {}) {
    this.orgId = options.orgId ?? '00D5g000004AbCdEAK';
    this.schema = defaultSchema({ bare: options.bare });
    this.now = options.now ?? (() => new Date());
    this.integrationUserId = this.addUser({
      Username: 'baton@integration.example',
      Name: 'Baton Integration',
      Email: 'baton@integration.example',
    });
    const queueOwner = this.addUser({
      Username: 'rule.owner@org.example',
      Name: 'Rule Owner',
      Email: 'rule.owner@org.example',
    });
    this.assignmentRule = () => queueOwner;
    this.insert('CampaignInfluenceModel', {
      DeveloperName: 'primaryCampaignSourceModel',
      MasterLabel: 'Primary Campaign Source',
      IsDefaultModel: true,
      IsActive: true,
      IsModelLocked: true,
    });
  }

  /** A new id of `object`: key prefix, then a counter, so ids sort in creation order. */
  newId(object: string): string {
    const prefix = KEY_PREFIX[object] ?? 'a0X';
    const n = String(++this.counter).padStart(9, '0');
    return `${prefix}5g0000${n}`.slice(0, 18);
  }

  table(object: string): Map<string, SRecord> {
    let t = this.data.get(object);
    if (!t) this.data.set(object, (t = new Map()));
    return t;
  }

  objectOfId(id: string): string | undefined {
    for (const [obj, prefix] of Object.entries(KEY_PREFIX)) if (id.startsWith(prefix)) return obj;
    return undefined;
  }

  addUser(u: FakeUser): string {
    return this.insert('User', { IsActive: true, ManagerId: null, ...u }).Id;
  }

  /** Seeds a record directly (no rules run); `at` fixes its timestamps, `by` its last modifier. */
  insert(object: string, fields: Record<string, unknown>, opts: { at?: Date; by?: string } = {}): SRecord {
    const at = sfDateTime(opts.at ?? this.now());
    const by = opts.by ?? this.integrationUserId;
    const id = (fields.Id as string | undefined) ?? this.newId(object);
    const rec: SRecord = {
      ...this.blank(object),
      IsDeleted: false,
      CreatedDate: at,
      CreatedById: by,
      LastModifiedDate: at,
      LastModifiedById: by,
      SystemModstamp: at,
      ...(this.hasField(object, 'OwnerId') ? { OwnerId: by } : {}),
      ...(object === 'Lead' ? { IsConverted: false } : {}),
      ...fields,
      Id: id,
    };
    this.table(object).set(id, rec);
    return rec;
  }

  private blank(object: string): Record<string, unknown> {
    return Object.fromEntries((this.schema[object] ?? []).map((f) => [f.name, null]));
  }

  hasField(object: string, field: string): boolean {
    return !!this.fieldOf(object, field);
  }

  /** The field as the integration user sees it: a custom field without field-level security is not there. */
  fieldOf(object: string, field: string): FakeField | undefined {
    const f = (this.schema[object] ?? []).find((x) => x.name.toLowerCase() === field.toLowerCase());
    return f && (!f.needsGrant || this.grant(object, f.name).read) ? f : undefined;
  }

  /** The fields of `object` the integration user sees (describe). */
  visibleFields(object: string): FakeField[] | undefined {
    const all = this.schema[object];
    return all?.filter((f) => !f.needsGrant || this.grant(object, f.name).read);
  }

  /** What the permission sets assigned to the integration user grant on `object.field`. */
  grant(object: string, field: string): { read: boolean; edit: boolean } {
    const sets = new Set(
      this.rows('PermissionSetAssignment')
        .filter((a) => a.AssigneeId === this.integrationUserId)
        .map((a) => a.PermissionSetId),
    );
    const key = `${object}.${field}`.toLowerCase();
    const perms = this.rows('FieldPermissions').filter(
      (p) => sets.has(p.ParentId) && String(p.Field).toLowerCase() === key,
    );
    return {
      read: perms.some((p) => p.PermissionsRead || p.PermissionsEdit),
      edit: perms.some((p) => p.PermissionsEdit),
    };
  }

  /** Adds a custom field as the Tooling API does: nobody sees it until field-level security is granted. */
  addCustomField(object: string, field: FakeField): void {
    (this.schema[object] ??= []).push({ ...field, needsGrant: true });
  }

  /** Removes a field from the schema at run time (one not created yet, or deleted), with its values; returns it. */
  removeField(object: string, name: string): FakeField | undefined {
    const fields = this.schema[object] ?? [];
    const i = fields.findIndex((f) => f.name.toLowerCase() === name.toLowerCase());
    if (i < 0) return undefined;
    const [removed] = fields.splice(i, 1);
    for (const rec of this.table(object).values()) delete rec[removed.name];
    return removed;
  }

  /** Adds a field at run time, as an admin creating it would; existing records hold null. */
  addField(object: string, field: FakeField): void {
    if (this.hasField(object, field.name)) return;
    (this.schema[object] ??= []).push(field);
    for (const rec of this.table(object).values()) rec[field.name] = null;
  }

  get(id: string): SRecord | undefined {
    const obj = this.objectOfId(id);
    return obj ? this.table(obj).get(id) : undefined;
  }

  private takeLock(id: string): boolean {
    const left = this.lockedRows.get(id);
    if (!left) return false;
    if (left <= 1) this.lockedRows.delete(id);
    else this.lockedRows.set(id, left - 1);
    return true;
  }

  /** Creates a record through the API: required fields, validation, and the assignment rule unless `autoAssign` is false. */
  create(object: string, fields: Record<string, unknown>, by: string, autoAssign: boolean | string): SaveResult {
    if (!this.schema[object])
      return {
        id: null,
        success: false,
        errors: [{ statusCode: 'NOT_FOUND', message: `sObject type '${object}' is not supported.`, fields: [] }],
      };
    const at = sfDateTime(this.now());
    const draft: SRecord = { ...this.blank(object), ...fields, Id: '' };
    const err = saveError(this, object, draft, fields, true);
    if (err) return { id: null, success: false, errors: [err] };
    const defaults = Object.fromEntries(
      (this.schema[object] ?? [])
        .filter((f) => f.default !== undefined && (fields[f.name] === undefined || fields[f.name] === null))
        .map((f) => [f.name, f.default]),
    );
    const rec = this.insert(
      object,
      { ...fields, ...defaults, ...(fields.OwnerId ? {} : this.hasField(object, 'OwnerId') ? { OwnerId: by } : {}) },
      { at: new Date(at.replace('+0000', 'Z')), by },
    );
    if (object === 'Lead' && autoAssign !== false && this.assignmentRule) {
      const owner = this.assignmentRule(rec);
      if (owner) rec.OwnerId = owner;
    }
    return { id: rec.Id, success: true, errors: [] };
  }

  /** Updates a record through the API; a Lead update re-runs the active assignment rule unless `autoAssign` is false. */
  update(
    object: string,
    id: string,
    fields: Record<string, unknown>,
    by: string,
    autoAssign: boolean | string,
  ): SaveResult {
    const rec = this.table(object).get(id);
    if (!rec || rec.IsDeleted)
      return {
        id,
        success: false,
        errors: [{ statusCode: 'ENTITY_IS_DELETED', message: 'entity is deleted', fields: [] }],
      };
    if (this.takeLock(id))
      return {
        id,
        success: false,
        errors: [
          {
            statusCode: 'UNABLE_TO_LOCK_ROW',
            message: 'unable to obtain exclusive access to this record or 1 records: ' + id,
            fields: [],
          },
        ],
      };
    if (object === 'Lead' && rec.IsConverted) {
      return {
        id,
        success: false,
        errors: [
          { statusCode: 'CANNOT_UPDATE_CONVERTED_LEAD', message: 'cannot reference converted lead', fields: [] },
        ],
      };
    }
    const next: SRecord = { ...rec, ...fields, Id: id };
    const err = saveError(this, object, next, fields, false);
    if (err) return { id, success: false, errors: [err] };
    const at = sfDateTime(this.now());
    Object.assign(rec, fields, { LastModifiedDate: at, SystemModstamp: at, LastModifiedById: by });
    if (object === 'Lead' && autoAssign !== false && this.assignmentRule) {
      const owner = this.assignmentRule(rec);
      if (owner) rec.OwnerId = owner;
    }
    return { id, success: true, errors: [] };
  }

  /** Changes a record as a person would in the UI (no API rules), e.g. a manual reassignment. */
  touch(id: string, fields: Record<string, unknown>, by: string): SRecord {
    const rec = this.get(id);
    if (!rec) throw new Error(`no record ${id}`);
    const at = sfDateTime(this.now());
    Object.assign(rec, fields, { LastModifiedDate: at, SystemModstamp: at, LastModifiedById: by });
    return rec;
  }

  delete(id: string): SaveResult {
    const obj = this.objectOfId(id);
    const rec = obj ? this.table(obj).get(id) : undefined;
    if (!obj || !rec || rec.IsDeleted)
      return {
        id,
        success: false,
        errors: [{ statusCode: 'ENTITY_IS_DELETED', message: 'entity is deleted', fields: [] }],
      };
    rec.IsDeleted = true;
    rec.SystemModstamp = sfDateTime(this.now());
    return { id, success: true, errors: [] };
  }

  /** Converts a Lead as Salesforce does: an Account, a Contact and (unless told not to) an Opportunity. */
  convertLead(leadId: string, opts: ConvertOptions = {}): Converted {
    return convertLead(this, leadId, opts);
  }

  /** Live (not deleted) rows of `object`; `all` includes deleted ones (queryAll / scanAll). */
  rows(object: string, all = false): SRecord[] {
    return [...this.table(object).values()].filter((r) => all || !r.IsDeleted);
  }
}
