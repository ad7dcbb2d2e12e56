/** Pure: an alert's content as Slack mrkdwn, plain text and HTML (the same content in each). */
import type { AlertMessage } from './types.ts';

const DEADLINE = 'Deadline';

function plainLines(m: AlertMessage): string[] {
  const out = [...m.body];
  if (m.why.length) out.push('', 'Why:', ...m.why.map((l) => `- ${l}`));
  if (m.deadline) out.push('', `${DEADLINE}: ${m.deadline}`);
  if (m.links.length) out.push('', ...m.links.map((l) => `${l.label}: ${l.url}`));
  if (m.note) out.push('', m.note);
  return out;
}

/** The email's plain-text part (the subject is the email's own). */
export function alertText(m: AlertMessage): string {
  return plainLines(m).join('\n').trim() + '\n';
}

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The email's HTML part. */
export function alertHtml(m: AlertMessage): string {
  const parts = [`<p><strong>${escapeHtml(m.subject)}</strong></p>`];
  if (m.body.length) parts.push(`<p>${m.body.map(escapeHtml).join('<br>')}</p>`);
  if (m.why.length) parts.push(`<p>Why:</p><ul>${m.why.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>`);
  if (m.deadline) parts.push(`<p>${DEADLINE}: ${escapeHtml(m.deadline)}</p>`);
  if (m.links.length)
    parts.push(`<p>${m.links.map((l) => `<a href="${escapeHtml(l.url)}">${escapeHtml(l.label)}</a>`).join(' · ')}</p>`);
  if (m.note) parts.push(`<p><em>${escapeHtml(m.note)}</em></p>`);
  return parts.join('\n');
}

// Slack's mrkdwn escapes only these three (https://docs.slack.dev/messaging/formatting-message-text).
const escapeSlack = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The Slack message text (mrkdwn). */
export function alertMrkdwn(m: AlertMessage): string {
  const out = [`*${escapeSlack(m.subject)}*`, ...m.body.map(escapeSlack)];
  if (m.why.length) out.push('*Why:*', ...m.why.map((l) => `• ${escapeSlack(l)}`));
  if (m.deadline) out.push(`*${DEADLINE}:* ${escapeSlack(m.deadline)}`);
  if (m.links.length) out.push(m.links.map((l) => `<${l.url}|${escapeSlack(l.label)}>`).join(' · '));
  if (m.note) out.push(`_${escapeSlack(m.note)}_`);
  return out.join('\n');
}
