/** Cross-checks of `alerts.yaml`: templates named exist and use known names, conditions name fields, recipients can be reached. */
import { compileCondition } from '../agreement/condition.ts';
import { errorMessage } from '../platform/errors.ts';
import type { AlertsConfig } from './alerts-schema.ts';
import { checkTemplate, type CheckResult } from './cross-check.ts';
import type { PathProblem } from './issues.ts';
import type { Vocabulary } from './vocabulary.ts';
import { checkCondition } from './vocabulary.ts';

/** Problems of an `alerts.yaml` that its schema alone cannot see. */
export function checkAlerts(alerts: AlertsConfig, vocab: Vocabulary | null): CheckResult {
  const problems: PathProblem[] = [];
  const { slack, email } = alerts.channels;
  if (!slack && !email)
    problems.push({
      path: ['channels'],
      anchor: 'key',
      message: 'no channel: configure channels.slack, channels.email or both',
    });
  for (const [name, t] of Object.entries(alerts.templates)) {
    if (!vocab) continue;
    problems.push(...checkTemplate(vocab, t.subject, ['templates', name, 'subject']));
    if (t.body !== undefined) problems.push(...checkTemplate(vocab, t.body, ['templates', name, 'body']));
  }
  alerts.rules.forEach((r, i) => {
    const path = ['rules', i];
    if (!Object.hasOwn(alerts.templates, r.template))
      problems.push({
        path: [...path, 'template'],
        anchor: 'value',
        message: `no template '${r.template}' under templates (known: ${Object.keys(alerts.templates).join(', ') || 'none'})`,
      });
    const via = r.via ?? (slack ? 'slack' : 'email');
    if (via === 'slack' && !slack)
      problems.push({ path: [...path, 'via'], anchor: 'value', message: 'via slack needs channels.slack' });
    if (via === 'email' && !email)
      problems.push({ path: [...path, 'via'], anchor: 'value', message: 'via email needs channels.email' });
    if (r.to.includes('channel') && !(via === 'slack' ? r.channel : r.email))
      problems.push({
        path: [...path, 'to'],
        anchor: 'value',
        message:
          via === 'slack' ? 'to: channel needs channel: (e.g. #sales-leads)' : 'to: channel by email needs email:',
      });
    if (r.when) {
      if (vocab) problems.push(...checkCondition(vocab, r.when, [...path, 'when']));
      try {
        compileCondition(r.when);
      } catch (err) {
        problems.push({ path: [...path, 'when'], anchor: 'value', message: errorMessage(err) });
      }
    }
  });
  return { problems, warnings: [] };
}
