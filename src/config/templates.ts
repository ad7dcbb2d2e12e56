/** The `{{ name }}` templates of `writeback`: which names they may use, and which they do use. */

/** Names every template may use besides `person.NAME` and `deal.NAME` of the vocabulary. */
export const TEMPLATE_NAMES = [
  'stage',
  'scores.fit',
  'scores.engagement',
  'reason',
  'reject_reason',
  'sla.due',
  'attribution.summary',
  'owner.name',
  'owner.email',
  'routing.reason',
] as const;

export interface TemplateRef {
  name: string;
  /** Offset of the `{{` in the template text. */
  offset: number;
}

/** The names a template refers to, or the syntax problem that stops reading it. */
export function templateRefs(text: string): { refs: TemplateRef[]; error?: string } {
  const refs: TemplateRef[] = [];
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf('{{', i);
    if (open < 0) break;
    const close = text.indexOf('}}', open + 2);
    if (close < 0) return { refs, error: `unclosed '{{' at character ${open + 1} of the template` };
    const name = text.slice(open + 2, close).trim();
    if (!/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/.test(name)) {
      return {
        refs,
        error: `'{{${text.slice(open + 2, close)}}}' is not a name (expected e.g. {{stage}} or {{person.title}})`,
      };
    }
    refs.push({ name, offset: open });
    i = close + 2;
  }
  return { refs };
}
