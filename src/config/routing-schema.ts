/** The zod schema of the optional `routing.yaml` (see `routing.md`). */
import { z } from 'zod';
import { condition } from './condition-schema.ts';
import { hasKey, keyedUnion, oneOf, strict } from './zod-helpers.ts';

/** A Salesforce username or email. */
const user = z.string().min(1);

export const userAssignment = strict({ user });
export const roundRobinAssignment = strict({
  round_robin: z.array(user).min(1),
  weights: z.record(z.string(), z.number().int().positive()).optional(),
});
export const assignment = keyedUnion(
  [userAssignment, roundRobinAssignment],
  [hasKey('user'), hasKey('round_robin')],
  'expected an assignment: { user: NAME } or { round_robin: [NAME, ...], weights?: { NAME: N } }',
);
export type Assignment = z.infer<typeof assignment>;

export const routingRule = strict({ id: z.string().min(1), if: condition, assign: assignment });
export type RoutingRule = z.infer<typeof routingRule>;

export const MATCH_BY = ['email_domain', 'company_name'] as const;

export const routingSchema = strict({
  match_accounts: strict({
    by: z.array(oneOf(MATCH_BY, 'match')).min(1),
    ignore_domains: z.array(z.string().min(1)).default([]),
    owner: oneOf(['account_owner'], 'owner').default('account_owner'),
    create: oneOf(['contact', 'lead'], 'record type').default('lead'),
  }).optional(),
  rules: z.array(routingRule).default([]),
  fallback: assignment.optional(),
  skip_inactive: z.boolean().default(false),
  cap_per_day: z.number().int().positive().optional(),
});
export type RoutingConfig = z.infer<typeof routingSchema>;
