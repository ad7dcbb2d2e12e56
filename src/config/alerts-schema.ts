/** The zod schema of the optional `alerts.yaml`: Slack and email alerts for handoffs, reminders and breaches. */
import { z } from 'zod';
import { describedCondition } from './condition-schema.ts';
import { oneOf, strict } from './zod-helpers.ts';

export const ALERT_EVENTS = ['handoff', 'reminder', 'breach', 'reassigned', 'rejected'] as const;
export type AlertEvent = (typeof ALERT_EVENTS)[number];

export const ALERT_RECIPIENTS = ['owner', 'manager', 'channel'] as const;
export type AlertRecipient = (typeof ALERT_RECIPIENTS)[number];

const envName = z
  .string()
  .regex(/^[A-Z_][A-Z0-9_]*$/, { error: 'expected an environment variable name, e.g. SLACK_BOT_TOKEN' });

export const alertTemplate = strict({
  subject: z.string().min(1).describe('The first line of the message (the email subject), a {{ name }} template.'),
  body: z
    .string()
    .optional()
    .describe('More lines after the subject, a {{ name }} template; the explanation, deadline and links follow.'),
});
export type AlertTemplate = z.infer<typeof alertTemplate>;

export const alertRule = strict({
  on: oneOf(ALERT_EVENTS, 'alert event').describe(
    'handoff (to the owner), reminder (before the deadline), breach, reassigned (to the new owner), rejected.',
  ),
  to: z
    .array(oneOf(ALERT_RECIPIENTS, 'recipient'))
    .min(1)
    .describe("Who hears of it: owner (the person's owner now), manager (the owner's manager), channel."),
  via: oneOf(['slack', 'email'], 'channel kind')
    .optional()
    .describe('slack (a DM, or a post for `channel`) or email; default slack when configured, else email.'),
  channel: z.string().min(1).optional().describe('The Slack channel for `to: [channel]`, e.g. #sales-leads or C0123.'),
  email: z
    .string()
    .min(3)
    .optional()
    .describe('The address for `to: [channel]` by email, e.g. marketing@acme.example.'),
  when: describedCondition('Only alert when this holds for the person, e.g. { field: tier, eq: demo }.').optional(),
  template: z.string().min(1).describe('The name of a template under `templates`.'),
});
export type AlertRule = z.infer<typeof alertRule>;

export const alertsSchema = strict({
  channels: strict({
    slack: strict({
      token_env: envName.default('SLACK_BOT_TOKEN').describe('The environment variable holding the bot token.'),
      api_url: z.string().url().optional().describe('The Web API base URL; default https://slack.com/api/.'),
    })
      .optional()
      .describe('Slack through the Web API (users.lookupByEmail, conversations.open, chat.postMessage).'),
    email: strict({
      url_env: envName.default('BATON_SMTP_URL').describe('The environment variable holding the SMTP URL.'),
      from: z.string().min(3).describe('The sender address, e.g. baton@acme.example.'),
    })
      .optional()
      .describe('Email over SMTP (nodemailer), plain text and HTML; also the fallback for a rep not found in Slack.'),
  }).describe('Where alerts go; at least one.'),
  links: strict({
    baton: z.string().url().optional().describe("Baton's base URL, for the link to the person view."),
    salesforce: z.string().url().optional().describe("The Salesforce org's URL, for the link to the record."),
  })
    .default({})
    .describe('Base URLs of the links in each alert.'),
  templates: z
    .record(z.string().regex(/^[A-Za-z0-9_-]+$/), alertTemplate)
    .describe('Named message templates; they use the write-back template names ({{owner.name}}, {{sla.due}}, ...).'),
  rules: z.array(alertRule).min(1).describe('Which events alert whom, read in order; each matching rule sends.'),
});
export type AlertsConfig = z.infer<typeof alertsSchema>;
