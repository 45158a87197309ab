/** The servers' command line (`npm start`, `start:gateway`, `start:subgraph`, `simulator`): only --help; configuration comes from the environment. */
import { settingsHelp, type ProcessName } from '../platform/settings-schema.js';

/** Where the command line's answer goes: the process's streams, or a test's buffers. */
export interface Output {
  stdout(text: string): void;
  stderr(text: string): void;
}

const PROGRAMS = {
  start: { usage: 'npm start', what: 'the embedded default: the gateway and the four subgraphs in one process', processes: ['embedded', 'gateway', 'subgraph', 'simulator', 'scripts'] },
  'start:gateway': { usage: 'npm run start:gateway', what: 'the gateway alone, over subgraphs served as their own services', processes: ['gateway'] },
  'start:subgraph': { usage: 'SUBGRAPH=<name> npm run start:subgraph', what: 'one subgraph as its own HTTP service', processes: ['subgraph'] },
  simulator: { usage: 'npm run simulator', what: 'the provider simulator alone, on loopback', processes: ['simulator'] },
} satisfies Record<string, { usage: string; what: string; processes: readonly ProcessName[] }>;

export type ServerProgram = keyof typeof PROGRAMS;

/** The usage text: the program, then every variable it reads (`npm start`: every variable, by process). */
export function serverHelp(program: ServerProgram): string {
  const { usage, what, processes } = PROGRAMS[program];
  return `Usage: [VARIABLE=value ...] ${usage} [-- --help]\n\nStarts ${what}. It takes no arguments: it is configured by environment variables.\n\n${settingsHelp(processes)}`;
}

/**
 * Reads a server's arguments: null when it should start; otherwise the exit code, once --help is
 * printed (0) or an argument it does not know is named (1).
 */
export function serverCommandLine(argv: readonly string[], program: ServerProgram, output: Output): number | null {
  const unknown = argv.find((arg) => arg !== '--help' && arg !== '-h');
  if (unknown !== undefined) {
    const usage = PROGRAMS[program].usage.replace(/^SUBGRAPH=<name> /, '');
    output.stderr(`${usage}: unknown argument "${unknown}": it takes only --help (it is configured by environment variables).\nRun \`${usage} -- --help\` for them.\n`);
    return 1;
  }
  if (argv.length === 0) return null;
  output.stdout(serverHelp(program));
  return 0;
}

/** The process's own streams. */
export const processOutput: Output = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
};
