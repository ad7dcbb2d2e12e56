/** Slack for `alerts.yaml`: the transport the composition root builds. */
export { createSlackTransport, SLACK_TIERS, type SlackOptions } from './client.ts';
