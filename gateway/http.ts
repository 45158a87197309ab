/** The gateway behind node:http: header and request timeouts, the body size limit, and draining on stop. */
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { Server as NetServer, type AddressInfo } from 'node:net';
import type { Logger } from '../platform/logger.js';
import { portUnavailable } from '../platform/port.js';
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

/** On stop, how long an open idle connection may still bring a request (answered, then closed). */
const IDLE_GRACE_MS = 1_000;

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
  let lastRequestAt = 0;
  // Node checks both timeouts only every connectionsCheckingInterval (30 s by default), so a
  // 10 s headers timeout fired at up to 40 s: checked often enough, each fires within a second.
  const checkEvery = Math.max(50, Math.min(1_000, Math.floor(settings.headersTimeoutMs / 4)));
  const server = createServer({ headersTimeout: settings.headersTimeoutMs, requestTimeout: settings.requestTimeoutMs, connectionsCheckingInterval: checkEvery }, (req: IncomingMessage, res: ServerResponse) => {
    inFlight += 1;
    lastRequestAt = Date.now();
    res.once('close', () => {
      inFlight -= 1;
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
      // Stop taking connections, but not through http.Server#close, which also drops idle
      // keep-alive connections at once: a client that had just sent a request on one got a TCP
      // reset. Open connections stay: each request on one is answered with "connection: close"
      // (above); idle ones are closed once nothing has arrived for IDLE_GRACE_MS.
      const closed = new Promise<void>((resolve) => NetServer.prototype.close.call(server, () => resolve()));
      logger.info({ inFlight }, 'draining: answering requests on open connections, taking no new ones');
      const deadline = Date.now() + settings.drainTimeoutMs;
      let done = false;
      void closed.then(() => (done = true));
      while (!done && Date.now() < deadline) {
        if (inFlight === 0 && Date.now() - lastRequestAt >= IDLE_GRACE_MS) server.closeIdleConnections();
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      if (!done) logger.warn({ inFlight }, 'drain timeout: closing the remaining connections');
      server.closeAllConnections();
      await closed;
    },
  };
}
