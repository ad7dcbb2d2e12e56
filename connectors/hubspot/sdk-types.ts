/**
 * The SDK's own request and response types, named once. The SDK declares its string unions as
 * enums; Baton passes the same strings, so the casts below only name the SDK's type for them.
 */
import type {
  BatchResponseSimplePublicObject,
  BatchResponseSimplePublicObjectWithErrors,
  FilterOperatorEnum,
  PublicObjectSearchRequest,
  StandardError,
} from '@hubspot/api-client/lib/codegen/crm/objects/index.js';
import type { AssociationSpecAssociationCategoryEnum } from '@hubspot/api-client/lib/codegen/crm/objects/models/AssociationSpec.js';
import type {
  PropertyCreateFieldTypeEnum,
  PropertyCreateTypeEnum,
} from '@hubspot/api-client/lib/codegen/crm/properties/index.js';
import type { SearchBody } from './keyset.ts';

export type {
  FilterOperatorEnum,
  PublicObjectSearchRequest,
  AssociationSpecAssociationCategoryEnum,
  PropertyCreateFieldTypeEnum,
  PropertyCreateTypeEnum,
};

/** What a batch update or create answers: with `errors` on a 207 (some records refused). */
export type BatchAnswer = BatchResponseSimplePublicObject | BatchResponseSimplePublicObjectWithErrors;

/** The records a batch answer refused; none on a plain 200/201. */
export function batchErrors(res: BatchAnswer): StandardError[] {
  return 'errors' in res ? (res.errors ?? []) : [];
}

/**
 * `body` as the SDK's search request. The SDK types `sorts` as strings while HubSpot takes
 * `{ propertyName, direction }` objects, which the SDK's serializer passes through as they are.
 */
export function searchRequest(body: SearchBody & { properties: string[] }): PublicObjectSearchRequest {
  const filterGroups = body.filterGroups.map((g) => ({
    filters: g.filters.map((f) => ({ ...f, operator: f.operator as FilterOperatorEnum })),
  }));
  return Object.assign({ ...body, filterGroups, sorts: [] as string[] }, { sorts: body.sorts });
}
