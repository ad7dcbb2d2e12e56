/** Regular expressions of the configuration files: JavaScript syntax, with a leading `(?i)` for case-insensitive. */

/** Compiles a configured pattern; throws a `SyntaxError` whose message says what is wrong. */
export function compileRegex(pattern: string): RegExp {
  let flags = 'u';
  let source = pattern;
  if (source.startsWith('(?i)')) {
    flags += 'i';
    source = source.slice(4);
  }
  try {
    return new RegExp(source, flags);
  } catch {
    // Patterns written for other engines often use escapes that `u` mode refuses (e.g. `\-`).
    return new RegExp(source, flags.replace('u', ''));
  }
}
