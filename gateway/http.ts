import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../subgraphs/shared/logger.js';
import { portUnavailable } from '../subgraphs/shared/port.js';
import type { GatewaySettings } from './settings.js';

export interface HttpGateway {
  server: Server;
  /** Listens on `port` (0: any free port); resolves with the URL. */
  listen(port: number, host: string): Promise<string>;
  /**
   * Stops taking connections, lets in-flight requests finish (up to the drain timeout, then cuts
   * them) and resolves when the server is closed.
   */
  drain(): Promise<void>;
}

function refuse(res: ServerResponse, status: number, code: string, message: string): void {
  const body = JSON.stringify({ errors: [{ message, extensions: { code } }] });
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), connection: 'close' });
  res.end(body);
}

/**
 * The gateway behind node:http, with what the runtime leaves to the server: header and request
 * timeouts, the body size limit (a declared length above it is refused before a byte is read),
 * and draining on stop.
 */
export function httpGateway(handler: RequestListener, settings: GatewaySettings, logger: Logger): HttpGateway {
  let inFlight = 0;
  let draining = false;
  const idle: (() => void)[] = [];
  const server = createServer({ headersTimeout: settings.headersTimeoutMs, requestTimeout: settings.requestTimeoutMs }, (req: IncomingMessage, res: ServerResponse) => {
    inFlight += 1;
    res.once('close', () => {
      inFlight -= 1;
      if (draining) server.closeIdleConnections();
      if (inFlight === 0) idle.splice(0).forEach((resolve) => resolve());
    });
    if (draining) res.setHeader('connection', 'close');
    if (req.method === 'POST') {
      const length = req.headers['content-length'];
      if (length === undefined) {
        refuse(res, 411, 'BAD_REQUEST', 'A request body must declare its content-length');
        return;
      }
      if (!/^\d+$/.test(length) || Number(length) > settings.limits.bodyBytes) {
        refuse(res, 413, 'BODY_TOO_LARGE', `The request body is larger than ${settings.limits.bodyBytes} bytes`);
        return;
      }
    }
    handler(req, res);
  });
  return {
    server,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once('error', (error) => reject(portUnavailable(error, port, host)));
        server.listen(port, host, () => {
          const { port: bound } = server.address() as AddressInfo;
          resolve(`http://${host === '0.0.0.0' || host === '::' ? 'localhost' : host}:${bound}/`);
        });
      }),
    async drain() {
      draining = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (inFlight > 0) {
        logger.info({ inFlight }, 'draining in-flight requests');
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          new Promise<void>((resolve) => idle.push(resolve)),
          new Promise<void>((resolve) => {
            timer = setTimeout(() => {
              logger.warn({ inFlight }, 'drain timeout: closing the remaining connections');
              resolve();
            }, settings.drainTimeoutMs);
          }),
        ]);
        clearTimeout(timer);
      }
      server.closeAllConnections();
      await closed;
    },
  };
}
