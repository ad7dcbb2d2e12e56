/**
 * The zod schemas of `agreement.yaml`, `fields.yaml` and `routing.yaml`: the single source of truth
 * for their shape, for the validator and for the JSON Schema editors use (`baton validate --schema`).
 * Each file's schema lives in its own module; this one gathers them under one import.
 */
export {
  STAGES,
  CONDITION_STAGES,
  CONDITION_EXPECTED,
  EVENT_TYPES,
  OPERATOR_NAMES,
  condition,
  duration,
  eventCondition,
  eventType,
  fieldCondition,
  opObject,
  operators,
  regexString,
  scoreCondition,
  stage,
  where,
} from './condition-schema.ts';
export type { Condition, EventCondition, FieldCondition, ScoreCondition, Stage } from './condition-schema.ts';
export {
  ATTRIBUTION_MODELS,
  ATTRIBUTION_SCOPES,
  DAYS,
  agreementSchema,
  businessHours,
  disqualifyRule,
  engagementRule,
  fitRule,
  isTimeZone,
  slaTier,
} from './agreement-schema.ts';
export type { AgreementConfig, AttributionModel, AttributionScope } from './agreement-schema.ts';
export { FIELD_TYPES, HUBSPOT_READ_ONLY_RULES, SYNC_RULES, fieldDef, fieldsSchema } from './fields-schema.ts';
export type { FieldDef, FieldType, FieldsConfig, SyncRule } from './fields-schema.ts';
export { MATCH_BY, assignment, routingRule, routingSchema } from './routing-schema.ts';
export type { Assignment, RoutingConfig, RoutingRule } from './routing-schema.ts';
