/** `baton validate [--config DIR] [--schema]`: checks the configuration folder, or prints its JSON Schema. */
import { checkConfig } from '../config/load.ts';
import { configJsonSchema } from '../config/json-schema.ts';
import { formatProblem } from '../platform/errors.ts';
import { parseCommand } from './flags.ts';

export { configJsonSchema } from '../config/json-schema.ts';

export const summary =
  'check agreement.yaml, fields.yaml, routing.yaml and alerts.yaml; exit 1 with file:line:col per problem';

const USAGE = `usage: baton validate [--config DIR] [--schema]

  --config DIR  folder with agreement.yaml, fields.yaml and (optional) routing.yaml, alerts.yaml
                (default: $BATON_CONFIG_DIR, else ./mappings)
  --schema      print the JSON Schema of the files (for editors) and exit`;

/** The configuration folder: `--config`, else `$BATON_CONFIG_DIR`, else `./mappings`. */
export function configDir(flag: string | undefined): string {
  return flag ?? (process.env.BATON_CONFIG_DIR || './mappings');
}

/** Runs `baton validate`; problems go to stderr (exit 1), the summary line to stdout (exit 0). */
export async function run(args: string[]): Promise<number> {
  const parsed = parseCommand('validate', USAGE, {
    args,
    options: { config: { type: 'string' }, schema: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  if (!parsed) return 1;
  const values: { config?: string; schema?: boolean; help?: boolean } = parsed.values;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (values.schema) {
    console.log(JSON.stringify(configJsonSchema(), null, 2));
    return 0;
  }
  const { problems, warnings, config } = await checkConfig(configDir(values.config));
  for (const p of problems) console.error(formatProblem(p));
  for (const w of warnings) console.error(w);
  if (!config) {
    console.error(`${problems.length} problem${problems.length === 1 ? '' : 's'}`);
    return 1;
  }
  const fieldCount =
    Object.keys(config.fields.person.fields).length + Object.keys(config.fields.deal?.fields ?? {}).length;
  const routing = config.routing ? `, routing: ${config.routing.rules.length} rules` : '';
  const alerts = config.alerts ? `, alerts: ${config.alerts.rules.length} rules` : '';
  console.log(
    `ok: agreement '${config.agreement.name}' v${config.agreement.version}, ${fieldCount} fields${routing}${alerts}`,
  );
  return 0;
}
