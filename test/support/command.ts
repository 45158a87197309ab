/** Runs a command-line tool's `run(argv, env, io)` in this process, its output captured. */
import type { Command, Env } from '../../scripts/cli.js';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `run` with `args`, on `env` added to this process's environment (LOG_LEVEL warn unless given). */
export async function runCommandInProcess(run: Command, args: string[], env: Env = {}): Promise<CommandResult> {
  let stdout = '';
  let stderr = '';
  const code = await run(args, { ...process.env, LOG_LEVEL: 'warn', ...env }, { stdout: (text) => void (stdout += text), stderr: (text) => void (stderr += text) });
  return { code, stdout, stderr };
}
