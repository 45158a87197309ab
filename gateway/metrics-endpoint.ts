/** Serving /metrics: to an admin key only on the API port, or keyless on its own METRICS_PORT for Prometheus. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import type { Identity } from '../contracts/identity.js';
import { PortUnavailableError, portUnavailable } from '../platform/port.js';
import type { BlockList } from 'node:net';
import { clientAddress, peerOf, type AuthFailureLimit } from './client-address.js';
import { presentedKey } from './edge-checks.js';

const PROMETHEUS_TEXT = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * /metrics on the API port answers an admin key only; anyone else gets the 404 of a path that
 * does not exist (what the graph serves, and to whom, is not for tenants or passers-by).
 * Prometheus scrapes METRICS_PORT instead (serveMetrics), which needs no key and listens on
 * loopback unless told otherwise.
 */
export function useMetricsEndpoint(options: {
  text(): Promise<string>;
  authenticate(key: string): Promise<Identity | null>;
  /** The edge's budget of failed authentications per address: made-up keys here count as at the graph. */
  addresses: { limit: AuthFailureLimit; trustedProxies: BlockList };
}): GatewayPlugin {
  return {
    onRequest({ url, request, endResponse, fetchAPI, serverContext }) {
      if (url.pathname !== '/metrics') return;
      const notFound = () => endResponse(new fetchAPI.Response('Not found', { status: 404, headers: { 'content-type': 'text/plain' } }));
      const address = clientAddress(peerOf(serverContext), request.headers.get('x-forwarded-for'), options.addresses.trustedProxies);
      if (options.addresses.limit.refused(address) !== null) return notFound();
      let key: string | null;
      try {
        key = presentedKey(request.headers);
      } catch {
        key = null;
      }
      if (!key || key.length > 256) return notFound();
      return options.authenticate(key).then(async (identity) => {
        if (!identity) options.addresses.limit.failed(address);
        if (identity?.role !== 'admin') return notFound();
        endResponse(new fetchAPI.Response(await options.text(), { status: 200, headers: { 'content-type': PROMETHEUS_TEXT } }));
      });
    },
  };
}

/** A Prometheus endpoint of its own (METRICS_PORT): GET /metrics, nothing else. */
export async function serveMetrics(text: () => Promise<string>, port: number, host: string): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
      return;
    }
    text().then(
      (body) => res.writeHead(200, { 'content-type': PROMETHEUS_TEXT }).end(body),
      () => res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics unavailable'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => {
      const refused = portUnavailable(error, port, host);
      // the message names the variables of this port
      reject(refused instanceof PortUnavailableError ? new PortUnavailableError(refused.message.replace('set PORT', 'set METRICS_PORT').replace('set HOST', 'set METRICS_HOST')) : refused);
    });
    server.listen(port, host, () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}/metrics`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
