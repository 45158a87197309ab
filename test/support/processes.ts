/** The tests' one way to start other processes: `spawnProcess` (and `runToEnd`, `startService` on it). */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A process started by a test: its output so far, its exit, and a stop that waits for it. */
export interface Spawned {
  child: ChildProcess;
  /** stdout and stderr interleaved, as a terminal shows them (the last 200,000 characters). */
  output(): string;
  stdout(): string;
  stderr(): string;
  /** The exit code (null when ended by a signal). */
  exited: Promise<number | null>;
  /** SIGTERM (to the process group when detached), SIGKILL 10 s later if still running; resolves on exit. */
  stop(): Promise<void>;
}

export interface SpawnOptions {
  /** Added to this process's environment. */
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** In a process group of its own (npm, tsx and node are signalled and die together). */
  detached?: boolean;
}

/** Starts `command args` in the project folder (or `cwd`), its output kept. */
export function spawnProcess(command: string, args: string[], options: SpawnOptions = {}): Spawned {
  const child = spawn(command, args, {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, ...options.env },
    detached: options.detached ?? false,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let stdout = '';
  let stderr = '';
  const keep = (text: string) => text.slice(-200_000);
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout = keep(stdout + chunk.toString());
    output = keep(output + chunk.toString());
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = keep(stderr + chunk.toString());
    output = keep(output + chunk.toString());
  });
  const exited = new Promise<number | null>((resolve) => {
    child.once('error', () => resolve(-1));
    child.once('exit', (code) => resolve(code));
  });
  const signal = (name: NodeJS.Signals) => {
    if (!child.pid) return;
    try {
      if (options.detached) process.kill(-child.pid, name);
      else child.kill(name);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error; // already gone
    }
  };
  return {
    child,
    output: () => output,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
      signal('SIGTERM');
      const killed = setTimeout(() => signal('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killed);
    },
  };
}

/** Runs `command args` to its end: its exit code and output. */
export async function runToEnd(command: string, args: string[], options: SpawnOptions = {}): Promise<{ code: number | null; stdout: string; stderr: string; output: string }> {
  const spawned = spawnProcess(command, args, options);
  const code = await spawned.exited;
  return { code, stdout: spawned.stdout(), stderr: spawned.stderr(), output: spawned.output() };
}

/** A free loopback port (the OS picks one; it stays free long enough for a test to use it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A process started with `npm run <script>`, listening at `url`. */
export interface Service extends Spawned {
  name: string;
  url: string;
}

/** Starts `npm run <script>` in a process group of its own, on `port` of loopback, with `env` added. */
export function startService(name: string, script: string, port: number, env: Record<string, string>, path = '/'): Service {
  const spawned = spawnProcess('npm', ['run', '--silent', script], { env: { LOG_LEVEL: 'warn', ...env, PORT: String(port), HOST: '127.0.0.1' }, detached: true });
  return { ...spawned, name, url: `http://127.0.0.1:${port}${path}` };
}

/** Waits until `check` resolves true (polling), or fails with the service's output. */
export async function waitUntil(service: Service, check: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (service.child.exitCode !== null) throw new Error(`${service.name} exited (${service.child.exitCode}):\n${service.output().slice(-20_000)}`);
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${service.name} did not become ready in ${timeoutMs / 1000} s:\n${service.output().slice(-20_000)}`);
}

/** Waits until the process's output contains `text`, or fails with it once the process exits or `timeoutMs` pass. */
export async function waitForOutput(spawned: Spawned, text: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!spawned.output().includes(text)) {
    if (spawned.child.exitCode !== null || Date.now() > deadline) throw new Error(`no "${text}" in the output:\n${spawned.output().slice(-3000)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
