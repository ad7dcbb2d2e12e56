/**
 * `baton` entry point: picks the command module by name. Each command lives in its own file
 * (`src/cli/<name>.ts`) exporting `run(args: string[]): Promise<number>` and a one-line `summary`.
 */
const COMMANDS = [
  'init',
  'validate',
  'doctor',
  'setup',
  'serve',
  'demo',
  'simulate',
  'backfill',
  'dlq',
  'attribution',
  'report',
  'agreement',
  'users',
] as const;

export interface CommandModule {
  summary: string;
  run(args: string[]): Promise<number>;
}

function usage(): string {
  return [
    'usage: baton <command> [options]',
    '',
    'commands:',
    ...COMMANDS.map((c) => `  ${c}`),
    '',
    'Run `baton <command> --help` for the options of one command.',
  ].join('\n');
}

/** Runs one `baton` command and resolves to its exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 1;
  }
  if (!(COMMANDS as readonly string[]).includes(name)) {
    console.error(`baton: unknown command '${name}'\n\n${usage()}`);
    return 1;
  }
  const mod = (await import(`./${name}.ts`)) as CommandModule;
  return mod.run(rest);
}
