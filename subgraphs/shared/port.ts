import { createServer } from 'node:net';

/** The port a server was asked to listen on is taken (or not allowed): a start-up failure to report. */
export class PortUnavailableError extends Error {
  override name = 'PortUnavailableError';
}

/**
 * Fails with PortUnavailableError when `host:port` cannot be listened on. Apollo's
 * startStandaloneServer attaches no 'error' listener to its HTTP server, so a taken port would
 * crash the process with an unhandled 'error' event instead of rejecting; this check, just
 * before it, turns that into an error the caller can report and clean up after.
 */
export async function assertPortAvailable(port: number, host: string): Promise<void> {
  if (port === 0) return; // any free port: nothing can be taken
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => {
      reject(new PortUnavailableError(`cannot listen on ${host}:${port}: ${error.code === 'EADDRINUSE' ? 'the port is in use (set PORT to another)' : error.message}`));
    });
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve()));
  });
}
