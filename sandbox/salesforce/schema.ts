/** The fake org's metadata: which fields each sObject has, for describe and for write validation. */

export interface FakeField {
  name: string;
  type:
    | 'id'
    | 'string'
    | 'email'
    | 'picklist'
    | 'reference'
    | 'boolean'
    | 'double'
    | 'int'
    | 'currency'
    | 'percent'
    | 'date'
    | 'datetime'
    | 'textarea';
  length?: number;
  picklist?: string[];
  /** Required on create (LastName, Company on a Lead). */
  required?: boolean;
  readonly?: boolean;
  /** The picklist's default value, set on create when the record gives none (a standard Lead's Status). */
  default?: string;
  /**
   * A custom field created through the Tooling API: like in a real org, no user sees it until a
   * permission set assigned to them grants field-level security (FieldPermissions).
   */
  needsGrant?: boolean;
}

const SYSTEM: FakeField[] = [
  { name: 'Id', type: 'id', readonly: true },
  { name: 'IsDeleted', type: 'boolean', readonly: true },
  { name: 'CreatedDate', type: 'datetime', readonly: true },
  { name: 'CreatedById', type: 'reference', readonly: true },
  { name: 'LastModifiedDate', type: 'datetime', readonly: true },
  { name: 'LastModifiedById', type: 'reference', readonly: true },
  { name: 'SystemModstamp', type: 'datetime', readonly: true },
];

const s = (name: string, length = 255, extra: Partial<FakeField> = {}): FakeField => ({
  name,
  type: 'string',
  length,
  ...extra,
});
const ref = (name: string, extra: Partial<FakeField> = {}): FakeField => ({ name, type: 'reference', ...extra });

const BATON_PERSON: FakeField[] = [
  s('Baton_Stage__c', 40),
  { name: 'Baton_Fit_Score__c', type: 'double' },
  { name: 'Baton_Engagement_Score__c', type: 'double' },
  s('Baton_Reason__c', 255),
  { name: 'Baton_SLA_Due__c', type: 'datetime' },
  s('Baton_Reject_Reason__c', 255),
];

const LEAD_STATUS = [
  'Open - Not Contacted',
  'Working - Contacted',
  'Closed - Converted',
  'Closed - Not Converted',
  'Qualified',
];
const STAGES = [
  'Prospecting',
  'Qualification',
  'Needs Analysis',
  'Proposal/Price Quote',
  'Negotiation/Review',
  'Closed Won',
  'Closed Lost',
];

/** The Lead Status values of a new org (no `Qualified`: a bare org's admin adds it). */
const BARE_LEAD_STATUS = LEAD_STATUS.filter((v) => v !== 'Qualified');

/**
 * The default schema of the fake org, shaped after a standard Salesforce org plus Baton's custom
 * fields; `bare` is the org as a revenue team has it before `baton setup`: no Baton fields, and no
 * Lead Status `Qualified`.
 */
export function defaultSchema(options: { bare?: boolean } = {}): Record<string, FakeField[]> {
  const schema = readySchema();
  if (!options.bare) return schema;
  for (const fields of Object.values(schema)) {
    for (let i = fields.length - 1; i >= 0; i--) if (fields[i].name.startsWith('Baton_')) fields.splice(i, 1);
  }
  const status = schema.Lead.find((f) => f.name === 'Status')!;
  status.picklist = [...BARE_LEAD_STATUS];
  return schema;
}

function readySchema(): Record<string, FakeField[]> {
  return {
    User: [
      ...SYSTEM,
      s('Username', 80),
      s('Name', 121),
      { name: 'Email', type: 'email', length: 128 },
      ref('ManagerId'),
      { name: 'IsActive', type: 'boolean' },
    ],
    Lead: [
      ...SYSTEM,
      ref('OwnerId'),
      s('FirstName', 40),
      s('LastName', 80, { required: true }),
      s('Company', 255, { required: true }),
      { name: 'Email', type: 'email', length: 80 },
      s('Title', 128),
      s('Country', 80),
      { name: 'NumberOfEmployees', type: 'int' },
      { name: 'Status', type: 'picklist', picklist: LEAD_STATUS, default: 'Open - Not Contacted' },
      s('LeadSource', 40),
      { name: 'IsConverted', type: 'boolean', readonly: true },
      { name: 'ConvertedDate', type: 'date', readonly: true },
      ref('ConvertedContactId', { readonly: true }),
      ref('ConvertedAccountId', { readonly: true }),
      ref('ConvertedOpportunityId', { readonly: true }),
      ...BATON_PERSON,
    ],
    Contact: [
      ...SYSTEM,
      ref('OwnerId'),
      ref('AccountId'),
      s('FirstName', 40),
      s('LastName', 80, { required: true }),
      { name: 'Email', type: 'email', length: 80 },
      s('Title', 128),
      s('MailingCountry', 80),
      ...BATON_PERSON,
    ],
    Account: [
      ...SYSTEM,
      ref('OwnerId'),
      s('Name', 255, { required: true }),
      s('Website', 255),
      { name: 'NumberOfEmployees', type: 'int' },
      s('Industry', 40),
    ],
    Opportunity: [
      ...SYSTEM,
      ref('OwnerId'),
      ref('AccountId'),
      ref('CampaignId'),
      s('Name', 120, { required: true }),
      { name: 'StageName', type: 'picklist', picklist: STAGES, required: true },
      { name: 'Amount', type: 'currency' },
      { name: 'CloseDate', type: 'date', required: true },
      { name: 'IsWon', type: 'boolean', readonly: true },
      { name: 'IsClosed', type: 'boolean', readonly: true },
      s('Baton_Attribution__c', 255),
    ],
    OpportunityContactRole: [
      ...SYSTEM,
      ref('OpportunityId', { required: true }),
      ref('ContactId', { required: true }),
      s('Role', 40),
      { name: 'IsPrimary', type: 'boolean' },
    ],
    Campaign: [
      ...SYSTEM,
      ref('OwnerId'),
      s('Name', 80, { required: true }),
      s('Type', 40),
      { name: 'ActualCost', type: 'currency' },
    ],
    CampaignMember: [
      ...SYSTEM,
      ref('CampaignId', { required: true }),
      ref('LeadId'),
      ref('ContactId'),
      s('Status', 40),
      { name: 'HasResponded', type: 'boolean' },
      { name: 'FirstRespondedDate', type: 'date' },
    ],
    Task: [
      ...SYSTEM,
      ref('OwnerId'),
      ref('WhoId'),
      ref('WhatId'),
      s('Subject', 255),
      { name: 'ActivityDate', type: 'date' },
      { name: 'Status', type: 'picklist', picklist: ['Not Started', 'In Progress', 'Completed'] },
      { name: 'Priority', type: 'picklist', picklist: ['High', 'Normal', 'Low'] },
      { name: 'Description', type: 'textarea', length: 32000 },
    ],
    CampaignInfluenceModel: [
      ...SYSTEM,
      s('DeveloperName', 80),
      s('MasterLabel', 80),
      { name: 'IsDefaultModel', type: 'boolean' },
      { name: 'IsActive', type: 'boolean' },
      { name: 'IsModelLocked', type: 'boolean' },
    ],
    CampaignInfluence: [
      ...SYSTEM,
      ref('CampaignId', { required: true }),
      ref('OpportunityId', { required: true }),
      ref('ModelId', { required: true }),
      ref('ContactId'),
      { name: 'Influence', type: 'percent' },
      { name: 'RevenueShare', type: 'currency', readonly: true },
    ],
    PermissionSet: [
      ...SYSTEM,
      s('Name', 80, { required: true }),
      s('Label', 80, { required: true }),
      s('Description', 255),
      { name: 'IsOwnedByProfile', type: 'boolean', readonly: true },
    ],
    FieldPermissions: [
      ...SYSTEM,
      ref('ParentId', { required: true }),
      s('SobjectType', 40, { required: true }),
      s('Field', 120, { required: true }),
      { name: 'PermissionsRead', type: 'boolean' },
      { name: 'PermissionsEdit', type: 'boolean' },
    ],
    PermissionSetAssignment: [
      ...SYSTEM,
      ref('PermissionSetId', { required: true }),
      ref('AssigneeId', { required: true }),
    ],
  };
}

/** Three-character key prefixes of the standard objects, as real ids carry them. */
export const KEY_PREFIX: Record<string, string> = {
  Account: '001',
  Contact: '003',
  User: '005',
  Opportunity: '006',
  Lead: '00Q',
  Task: '00T',
  OpportunityContactRole: '00K',
  CampaignMember: '00v',
  Campaign: '701',
  CampaignInfluenceModel: '03V',
  CampaignInfluence: '0sn',
  PermissionSet: '0PS',
  FieldPermissions: '01k',
  PermissionSetAssignment: '0Pa',
};

/** A describe result in the REST API's shape (the parts Baton reads); `editable` says which fields the user may update. */
export function describeOf(name: string, fields: FakeField[], editable: (f: FakeField) => boolean = () => true) {
  return {
    name,
    label: name,
    keyPrefix: KEY_PREFIX[name] ?? null,
    createable: true,
    updateable: true,
    fields: fields.map((f) => ({
      name: f.name,
      label: f.name,
      type: f.type,
      length: f.length ?? 0,
      nillable: !f.required,
      createable: !f.readonly,
      updateable: !f.readonly && editable(f),
      defaultedOnCreate: f.default !== undefined,
      picklistValues: (f.picklist ?? []).map((v) => ({
        value: v,
        label: v,
        active: true,
        defaultValue: v === f.default,
      })),
    })),
  };
}
