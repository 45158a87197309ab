/** A port that cannot be listened on, as a start-up failure whose message says which port and what to change, checked before slow starts. */
import { createServer } from 'node:net';

/** The port a server was asked to listen on cannot be had: a start-up failure whose message says what to do. */
export class PortUnavailableError extends Error {
  override name = 'PortUnavailableError';
}

/** A listen error as the operator should read it: which port, and what to change. */
export function portUnavailable(error: unknown, port: number, host: string): unknown {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'EADDRINUSE') return new PortUnavailableError(`port ${port} on ${host} is already in use: stop what listens there, or set PORT to a free port`);
  if (code === 'EACCES') return new PortUnavailableError(`port ${port} on ${host} may not be listened on by this user: set PORT to a port above 1023`);
  if (code === 'EADDRNOTAVAIL') return new PortUnavailableError(`address ${host} (port ${port}) is not one of this machine's: set HOST`);
  return error;
}

/**
 * Fails with PortUnavailableError when `host:port` cannot be listened on: checked before a slow
 * start (the plan's import) rather than after it, and before servers that attach no 'error'
 * listener (Apollo's standalone server) would crash the process on it.
 */
export async function assertPortAvailable(port: number, host: string): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error) => reject(portUnavailable(error, port, host)));
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}
