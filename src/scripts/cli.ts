import { parseArgs, ParseArgsConfig } from 'node:util';
import { Config, ConfigError, loadConfig } from '../core/config';
import { BRAND_RULE, isBrand } from '../core/brand';

/** A mistake in the command line: printed with the usage text, exit code 1. */
export class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>;

/** The named options of a command line (no positionals), every parse failure as a UsageError. */
export function parseOptions<T extends Options>(argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/** `--brand`, checked by the rule a token's brand claim follows (a brand no token can name would be unreachable). */
export function brandOption(value: string): string {
  if (!isBrand(value)) throw new UsageError(`--brand must be ${BRAND_RULE}, got "${value}".`);
  return value;
}

/**
 * The start of every script: its arguments and the configuration, or the exit code when there is nothing more to
 * do (`--help` prints the usage and exits 0; a usage or configuration error prints the message and the usage, 1).
 */
export function argumentsAndConfig<A>(
  argv: string[],
  usage: string,
  parse: (argv: string[]) => A | 'help',
): { args: A; config: Config } | number {
  try {
    const args = parse(argv);
    if (args === 'help') {
      console.log(usage);
      return 0;
    }
    return { args, config: loadConfig() };
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError) {
      console.error(`${error.message}\n\n${usage}`);
      return 1;
    }
    throw error;
  }
}
