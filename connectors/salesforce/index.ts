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
export { doctorSalesforce } from './doctor.ts';
export { setupSalesforce, PERMISSION_SET, type SalesforceSetupReport } from './provision.ts';
export { ownedPersonFields, picklistNeeds } from './requirements.ts';
