/** What the command-line tools share: `run(argv, env, io)` commands, argument parsing, exits with clear messages. */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { InvalidInput } from '../gateway/keys/validate.js';
import { ConfigError } from '../platform/config.js';
import { readSettings } from '../platform/settings-schema.js';

/** A mistake in the command line: its message is printed with a pointer to --help, exit code 1. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The environment a command reads (process.env when run as a program). */
export type Env = Record<string, string | undefined>;

/** Where a command writes: the process's stdout and stderr, or a test's buffers. */
export interface CommandIO {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** A command run in-process: its exit code. Tests call it directly; `runAsMain` runs it as a program. */
export type Command = (argv: string[], env: Env, io: CommandIO) => Promise<number>;

/** node:util's parseArgs, strict, with its errors turned into usage errors. */
export function parseCommandLine<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/**
 * A command from its body: usage mistakes, invalid input and bad configuration print one line to
 * stderr and exit 1; anything else prints its message and exits 1 too (with the stack under LOG_LEVEL=debug).
 */
export function defineCommand(tool: string, body: (argv: string[], env: Env, io: CommandIO) => Promise<number | void>): Command {
  return async (argv, env, io) => {
    try {
      return (await body(argv, env, io)) ?? 0;
    } catch (error) {
      if (error instanceof UsageError) io.stderr(`${tool}: ${error.message}\nRun \`npm run ${tool} -- --help\` for usage.\n`);
      else if (error instanceof InvalidInput || error instanceof ConfigError) io.stderr(`${tool}: ${error.message}\n`);
      else io.stderr(`${tool}: ${debugging(env) ? (error as Error).stack : (error as Error).message}\n`);
      return 1;
    }
  };
}

/** LOG_LEVEL=debug (or trace): a failure shows its stack. A bad LOG_LEVEL is said elsewhere; here it only means no. */
function debugging(env: Env): boolean {
  try {
    const { LOG_LEVEL } = readSettings(env, ['LOG_LEVEL']);
    return LOG_LEVEL === 'debug' || LOG_LEVEL === 'trace';
  } catch {
    return false;
  }
}

/** The process's own output streams. */
export const processIO: CommandIO = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
};

/** Whether the module at `moduleUrl` is the program being run (`tsx scripts/x.ts`), not an import. */
export function isMain(moduleUrl: string): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(moduleUrl));
  } catch {
    return false;
  }
}

/** Runs `run` as the program when its module is the one started (not when a test imports it). */
export function runAsMain(moduleUrl: string, run: Command): void {
  if (!isMain(moduleUrl)) return;
  void run(process.argv.slice(2), process.env, processIO).then((code) => {
    process.exitCode = code;
  });
}

/** Rows as aligned columns, for people reading a terminal. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `${cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')}`.trimEnd();
  return `${[header, ...rows].map(line).join('\n')}\n`;
}
