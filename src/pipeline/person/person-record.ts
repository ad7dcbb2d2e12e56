/**
 * Pure: folds one CRM person record (HubSpot contact, Salesforce Lead/Contact) into a person —
 * its ids, owner, conversion, and its fields merged by the sync rules — and reads a rep's answer
 * from Salesforce by the `feedback` mapping (an accept/reject condition that starts to hold).
 */
import type { CrmRecord } from '../../../connectors/types.ts';
import { compileCondition } from '../../agreement/index.ts';
import type { FeedbackInput } from '../../agreement/types.ts';
import type { FieldsConfig } from '../../config/schema.ts';
import { fromCrm, mergeFields, type FieldError, type FieldSources } from '../../mapping/index.ts';
import type { PersonRow } from '../../store/types.ts';

/** Pipeline memory kept next to the sync sources, under keys the vocabulary cannot use. */
export interface PersonMeta {
  converted?: boolean;
}

export interface AppliedRecord {
  changed: string[];
  feedback: FeedbackInput | null;
  errors: FieldError[];
}

/** The sync sources of a person without the pipeline's own `$meta`. */
export function sourcesOf(p: PersonRow): FieldSources {
  const { $meta: _meta, ...rest } = p.fieldSources as Record<string, unknown>;
  return rest as FieldSources;
}

export function metaOf(p: PersonRow): PersonMeta {
  return ((p.fieldSources as Record<string, unknown>).$meta as PersonMeta | undefined) ?? {};
}

function conditionHolds(
  cond: Record<string, unknown> | undefined,
  p: PersonRow,
  person: Record<string, unknown>,
): boolean {
  if (!cond) return false;
  const { reason: _reason, ...plain } = cond;
  const test = compileCondition(plain as Parameters<typeof compileCondition>[0]);
  return test({ email: p.email, person, deal: null, scores: p.scores, events: [], at: Date.now() });
}

/** Applies `record` to `p` in place. */
export function applyPersonRecord(p: PersonRow, record: CrmRecord, fields: FieldsConfig): AppliedRecord {
  const meta = { ...metaOf(p) };
  let object = record.object as string;
  if (record.crm === 'hubspot') p.hubspotId = record.id;
  else {
    const convertedTo =
      record.object === 'Lead' && record.properties.IsConverted === true
        ? (record.properties.ConvertedContactId as string | undefined)
        : undefined;
    if (convertedTo) {
      meta.converted = true;
      p.salesforceId = convertedTo;
      p.salesforceObject = 'Contact';
    } else if (record.object === 'Contact') {
      p.salesforceId = record.id;
      p.salesforceObject = 'Contact';
    } else if (p.salesforceObject !== 'Contact' || !p.salesforceId) {
      p.salesforceId = record.id;
      p.salesforceObject = 'Lead';
    }
    if (p.salesforceId === record.id && typeof record.properties.OwnerId === 'string')
      p.ownerId = record.properties.OwnerId;
    object = record.object;
  }
  const read = fromCrm('person', fields, record.crm, record.properties, object);
  const before = { ...p.fields };
  const merged = mergeFields('person', fields, sourcesOf(p), {
    crm: record.crm,
    values: read.values,
    modifiedAt: record.modifiedAt,
  });
  p.fields = merged.values;
  p.fieldSources = { ...merged.sources, $meta: meta };
  let feedback: FeedbackInput | null = null;
  const fb = fields.feedback;
  if (record.crm === 'salesforce' && fb && merged.changed.length > 0) {
    const reject = fb.reject as Record<string, unknown> | undefined;
    if (conditionHolds(reject, p, p.fields) && !conditionHolds(reject, p, before)) {
      const reasonField = fb.reject?.reason?.salesforce;
      const reason = reasonField ? record.properties[reasonField] : undefined;
      feedback = {
        decision: 'reject',
        at: record.modifiedAt,
        ...(typeof reason === 'string' && reason ? { reason } : {}),
      };
    } else if (
      conditionHolds(fb.accept as Record<string, unknown> | undefined, p, p.fields) &&
      !conditionHolds(fb.accept as Record<string, unknown> | undefined, p, before)
    ) {
      feedback = { decision: 'accept', at: record.modifiedAt };
    }
  }
  return { changed: merged.changed, feedback, errors: read.errors };
}
