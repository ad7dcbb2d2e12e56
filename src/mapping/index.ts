/** The mapping module: vocabulary ⇄ CRM fields, sync rules, types, picklists, templates. Pure. */
export { normalizeEmail, isBlank } from './normalize.ts';
export { toVocab, toCrmValue, type Converted } from './convert.ts';
export { sharedValue, crmValue } from './values.ts';
export { readsFrom, writesTo, isCompanyProperty, otherCrm, sectionFields, type Section } from './rules.ts';
export { fromCrm, onObject, LEAD_ONLY_FIELDS, type FieldError, type ReadResult } from './inbound.ts';
export {
  mergeFields,
  resolveValue,
  sameValue,
  type FieldSources,
  type SideState,
  type Incoming,
  type MergeResult,
} from './sync.ts';
export {
  toCrm,
  truncate,
  HUBSPOT_MAX_LENGTH,
  REQUIRED_ON_CREATE,
  type WriteOptions,
  type WriteResult,
} from './outbound.ts';
export {
  compileTemplate,
  templateNames,
  isTemplateName,
  renderWriteback,
  TEMPLATE_NAMES,
  type TemplateContext,
  type RenderLimits,
} from './templates.ts';
export { lifecycleFor, type LifecycleWrite } from './lifecycle.ts';
export { unchangedDropped } from './held.ts';
export { stableHash, canonicalJson } from './hash.ts';
export { isoUtc, isoDateUtc, parseInstant, isDateOnly } from './time.ts';
