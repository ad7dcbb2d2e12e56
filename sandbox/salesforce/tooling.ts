/**
 * The fake org's Tooling API, as jsforce's `conn.tooling` calls it: `POST tooling/sobjects/CustomField`
 * (a `FullName` of `Object.Field__c` and its `Metadata`) adds a custom field that needs field-level
 * security before anyone sees it, and `GET tooling/query` answers SOQL over `CustomField` and
 * `WorkflowOutboundMessage` (the Outbound Messages an admin configured, `outboundMessages`).
 */
import type { FakeResponse } from '../types.ts';
import type { FakeOrg } from './org.ts';
import type { FakeField } from './schema.ts';
import { parseSoql, runQuery } from './soql.ts';

export interface FakeOutboundMessage {
  Id: string;
  Name: string;
  /** The sObject it is sent for (`Lead`, `Contact`). */
  EntityDefinitionId: string;
  EndpointUrl: string;
}

interface CustomFieldMetadata {
  label?: string;
  type?: string;
  length?: number;
  precision?: number;
  scale?: number;
}

const TYPES: Record<string, FakeField['type']> = {
  Text: 'string',
  Number: 'double',
  DateTime: 'datetime',
  Date: 'date',
  Checkbox: 'boolean',
  LongTextArea: 'textarea',
  Email: 'email',
};

export class FakeTooling {
  readonly outboundMessages: FakeOutboundMessage[] = [];
  private readonly customFields: Record<string, unknown>[] = [];
  private seq = 0;
  private readonly org: FakeOrg;

  constructor(org: FakeOrg) {
    this.org = org;
  }

  /** Answers `rest` (the path after `/services/data/vXX.X/tooling/`), or null when not emulated. */
  handle(method: string, rest: string, url: URL, body: string): FakeResponse | null {
    if (rest === 'query' && method === 'GET') return this.query(url.searchParams.get('q') ?? '');
    if (rest === 'sobjects/CustomField' && method === 'POST') return this.createField(body);
    return null;
  }

  private query(soql: string): FakeResponse {
    const q = parseSoql(soql);
    const rows =
      q.from === 'CustomField'
        ? this.customFields
        : q.from === 'WorkflowOutboundMessage'
          ? this.outboundMessages.map((m) => ({ ...m }))
          : null;
    if (!rows)
      return {
        status: 400,
        body: [{ errorCode: 'INVALID_TYPE', message: `sObject type '${q.from}' is not supported.` }],
      };
    const found = runQuery(q, rows as Record<string, unknown>[]);
    const records = found.map((r) => ({
      attributes: { type: q.from },
      ...Object.fromEntries(q.fields.map((f) => [f, r[f] ?? null])),
    }));
    return {
      status: 200,
      body: { size: records.length, totalSize: records.length, done: true, entityTypeName: q.from, records },
    };
  }

  private createField(body: string): FakeResponse {
    let input: { FullName?: string; Metadata?: CustomFieldMetadata };
    try {
      input = JSON.parse(body) as typeof input;
    } catch {
      return { status: 400, body: [{ errorCode: 'JSON_PARSER_ERROR', message: 'body is not JSON' }] };
    }
    const m = /^(\w+)\.(\w+__c)$/.exec(input.FullName ?? '');
    const type = TYPES[input.Metadata?.type ?? ''];
    if (!m || !type || !input.Metadata?.label)
      return {
        status: 400,
        body: [
          {
            errorCode: 'FIELD_INTEGRITY_EXCEPTION',
            message: `FullName Object.Name__c, Metadata.label and a known Metadata.type are required (got ${input.FullName}, ${input.Metadata?.type})`,
            fields: [],
          },
        ],
      };
    const [, object, field] = m;
    if (!this.org.schema[object])
      return {
        status: 400,
        body: [{ errorCode: 'INVALID_TYPE', message: `sObject type '${object}' is not supported.` }],
      };
    if (this.org.schema[object].some((f) => f.name.toLowerCase() === field.toLowerCase())) {
      return {
        status: 400,
        body: [
          {
            errorCode: 'DUPLICATE_DEVELOPER_NAME',
            message: `Duplicate Developer Name: ${field} already exists on ${object}`,
            fields: [],
          },
        ],
      };
    }
    this.org.addCustomField(object, {
      name: field,
      type,
      ...(type === 'string' ? { length: input.Metadata.length ?? 255 } : {}),
    });
    const id = `00N5g0000${String(++this.seq).padStart(9, '0')}`.slice(0, 18);
    this.customFields.push({
      Id: id,
      DeveloperName: field.replace(/__c$/, ''),
      TableEnumOrId: object,
      FullName: `${object}.${field}`,
    });
    return { status: 201, body: { id, success: true, errors: [] } };
  }
}
