/** The fake Salesforce org for tests and the demo. */
export { createFakeSalesforce, FakeSalesforce, type FakeSalesforceOptions, type LoggedRequest } from './api.ts';
export { FakeOrg, sfDateTime, type FakeUser, type SRecord, type ValidationRule } from './org.ts';
export { outboundMessage } from './outbound.ts';
export { routeJsforceThroughGlobalFetch } from './fetch-bridge.ts';
export type { FakeOutboundMessage } from './tooling.ts';
