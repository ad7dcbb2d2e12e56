/** The Salesforce connector: everything the pipeline and the server need. */
export { createSalesforceConnector, type SalesforceConnector } from './connector.ts';
export { salesforceOptionsFromEnv, DEFAULT_API_VERSION, type SalesforceConnectorOptions } from './options.ts';
export { receiveOutboundMessage, OUTBOUND_ACK, soapFault, type OutboundResult } from './outbound.ts';
export { receiveSignedChanges, changesSchema, type ChangesResult } from './changes.ts';
export { isBatonEcho, sameSalesforceValue } from './loop-guard.ts';
export { chooseInfluenceModel, type InfluenceModel, type InfluenceRow } from './influence.ts';
export { taskMarker } from './tasks.ts';
export { schemaProblems, positionsFromText } from './schema-check.ts';
export type { OwnerAndManager, SalesforceUser } from './users.ts';
