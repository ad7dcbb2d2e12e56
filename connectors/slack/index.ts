/** Slack for `alerts.yaml`: the transport the composition root builds. */
export { ALERT_EVENT_TYPE, createSlackTransport, SLACK_TIERS, type SlackOptions } from './client.ts';
export { SLACK_SCOPES } from './errors.ts';
