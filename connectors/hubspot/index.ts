/** The HubSpot connector's public surface for the pipeline, the server and the CLI. */
export { createHubSpotConnector, type HubSpotConnector, type HubSpotConnectorOptions } from './connector.ts';
export {
  receiveHubSpotWebhook,
  verifyHubSpotSignature,
  dedupKey,
  decodeSignedUri,
  type WebhookRequest,
  type WebhookResult,
  type HubSpotEvent,
} from './webhooks.ts';
export { isEcho, isOwnChange, isValueEcho, type EchoGuard } from './echo.ts';
export {
  eventsFromContact,
  eventFromFormSubmission,
  eventFromEmailEvent,
  utmOf,
  ENGAGEMENT_PROPERTIES,
} from './events.ts';
export { planProperties, type PropertyPlan } from './properties.ts';
export { DEFAULT_LIMITS, type HubSpotLimits } from './limits.ts';
export { isBackwardLifecycle, LIFECYCLE_ORDER } from './write.ts';
export type { CallCounts } from './client.ts';
export { doctorHubSpot, introspectToken, type TokenInfo } from './doctor.ts';
export { setupHubSpot, type HubSpotAccess, type SetupReport } from './provision.ts';
export { projectFiles } from './project.ts';
export { neededScopes, webhookSubscriptions, webhookTarget, type MarketingUse } from './requirements.ts';
