/** What the edge's command-line tools share: argument parsing and exits with clear messages. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { InvalidInput } from '../gateway/keys/validate.js';
import { ConfigError } from '../subgraphs/shared/config.js';

/** A mistake in the command line: its message is printed with a pointer to --help, exit code 1. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** node:util's parseArgs, strict, with its errors turned into usage errors. */
export function parseCommandLine<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/**
 * Runs a command: usage mistakes, invalid input and bad configuration print one line to stderr
 * and exit 1; anything else prints its message and exits 1 too (with the stack under LOG_LEVEL=debug).
 */
export function runCommand(tool: string, run: () => Promise<number | void>): void {
  run()
    .then((code) => {
      process.exitCode = code ?? 0;
    })
    .catch((error: unknown) => {
      if (error instanceof UsageError) process.stderr.write(`${tool}: ${error.message}\nRun \`npm run ${tool} -- --help\` for usage.\n`);
      else if (error instanceof InvalidInput || error instanceof ConfigError) process.stderr.write(`${tool}: ${error.message}\n`);
      else process.stderr.write(`${tool}: ${process.env.LOG_LEVEL === 'debug' ? (error as Error).stack : (error as Error).message}\n`);
      process.exitCode = 1;
    });
}


/** Rows as aligned columns, for people reading a terminal. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `${cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')}`.trimEnd();
  return `${[header, ...rows].map(line).join('\n')}\n`;
}
