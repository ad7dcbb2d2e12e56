/** The zod schema of the optional `routing.yaml` (see `routing.md`). */
import { z } from 'zod';
import { describedCondition } from './condition-schema.ts';
import { hasKey, keyedUnion, oneOf, strict } from './zod-helpers.ts';

/** A Salesforce username or email. */
const user = z.string().min(1).describe('A Salesforce username or email.');

export const userAssignment = strict({
  user: user.describe('Everyone this rule matches goes to this Salesforce user (username or email).'),
});
export const roundRobinAssignment = strict({
  round_robin: z.array(user).min(1).describe('Users who take turns, in this order; the position is kept in the store.'),
  weights: z
    .record(z.string(), z.number().int().positive())
    .optional()
    .describe('User -> whole number of turns per round (default 1), e.g. { ana@acme.example: 2 }.'),
});
export const assignment = keyedUnion(
  [userAssignment, roundRobinAssignment],
  [hasKey('user'), hasKey('round_robin')],
  'expected an assignment: { user: NAME } or { round_robin: [NAME, ...], weights?: { NAME: N } }',
);
export type Assignment = z.infer<typeof assignment>;

export const routingRule = strict({
  id: z.string().min(1).describe('A unique name for the rule; the routing reason names it.'),
  if: describedCondition('Who this rule takes; rules are read top to bottom and the first that holds assigns.'),
  assign: assignment.describe('{ user: NAME } or { round_robin: [NAME, ...], weights?: { NAME: N } }.'),
});
export type RoutingRule = z.infer<typeof routingRule>;

export const MATCH_BY = ['email_domain', 'company_name'] as const;

export const routingSchema = strict({
  match_accounts: strict({
    by: z
      .array(oneOf(MATCH_BY, 'match'))
      .min(1)
      .describe("How to match, in order: email_domain (against Account.Website's domain), company_name (normalized)."),
    ignore_domains: z
      .array(z.string().min(1))
      .default([])
      .describe('Email domains never matched to an Account, e.g. gmail.com.'),
    owner: oneOf(['account_owner'], 'owner')
      .default('account_owner')
      .describe("A matched person goes to the Account's owner."),
    create: oneOf(['contact', 'lead'], 'record type')
      .default('lead')
      .describe('A matched person is created as a Contact on the Account, or as a Lead.'),
  })
    .optional()
    .describe('Lead-to-account matching, before any rule.'),
  rules: z
    .array(routingRule)
    .default([])
    .describe('Routing rules, read top to bottom; the first whose condition holds assigns.'),
  fallback: assignment.optional().describe('Who gets a person no rule assigns (or whose rule has nobody available).'),
  skip_inactive: z.boolean().default(false).describe('true: users inactive in Salesforce are passed over.'),
  cap_per_day: z
    .number()
    .int()
    .positive()
    .optional()
    .describe("Nobody gets more than this many a day (in the agreement's time zone); the next in line does."),
});
export type RoutingConfig = z.infer<typeof routingSchema>;
