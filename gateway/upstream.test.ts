/** A subgraph that resets or sits behind a proxy's HTML error page reaches the client as SUBGRAPH_UNAVAILABLE, naming nothing internal. */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLogger } from '../platform/logger.js';
import { SCHEMA_DIR } from '../subgraphs/subgraph.js';
import { postGraphQLRaw } from '../test/support/http.js';
import { createGateway, type Gateway } from './server.js';
import { readGatewaySettings } from './settings.js';
import { supergraphUrls } from './subgraph-urls.js';

/** The gateway over subgraph services that are down, or behind a proxy answering its own error page. */
let down: Server;
const gateways: Gateway[] = [];

beforeAll(async () => {
  down = createServer((req, res) => {
    if (req.url === '/proxy/') {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html>502 from proxy.internal: postgres://numbers@db.internal:5432 unreachable</html>');
    } else req.socket.destroy();
  });
  await new Promise<void>((resolve) => down.listen(0, '127.0.0.1', () => resolve()));
});
afterAll(async () => {
  await Promise.all(gateways.map((g) => g.stop()));
  down.close();
});

async function gatewayOver(path: string): Promise<string> {
  const sdl = readFileSync(`${SCHEMA_DIR}supergraph.graphql`, 'utf8');
  const url = `http://127.0.0.1:${(down.address() as { port: number }).port}${path}`;
  const gateway = createGateway({
    supergraphSdl: sdl,
    settings: readGatewaySettings({ NUMBERGRAPH_MODE: 'production', GATEWAY_SIGNING_SECRET: 's'.repeat(32) }, { subgraphsOverHttp: true }),
    logger: createLogger({ LOG_LEVEL: 'silent' }),
    subgraphs: { urls: Object.fromEntries(Object.keys(supergraphUrls(sdl)).map((name) => [name, url])) },
    authenticate: async () => ({ role: 'frontend', tenant: 'acme', keyId: 'key_000000000000' }),
    findOperation: async () => null,
    ready: async () => undefined,
  });
  gateways.push(gateway);
  return gateway.listen(0, '127.0.0.1');
}

it.each([
  ['resets the connection', '/reset/'],
  ['answers through a proxy with an HTML error page', '/proxy/'],
])('says SUBGRAPH_UNAVAILABLE, naming no service, address or upstream body, when a subgraph service %s', async (_, path) => {
  const url = await gatewayOver(path);
  const response = await postGraphQLRaw(url, '{ number(e164: "+447400123456") { e164 } }', undefined, { 'x-api-key': 'any' });
  const text = await response.text();
  expect(JSON.parse(text).errors).toEqual([{ message: 'Part of the answer is unavailable right now', path: ['number'], extensions: { code: 'SUBGRAPH_UNAVAILABLE' } }]);
  expect(text).not.toMatch(/127\.0\.0\.1|allocations|proxy|postgres|socket|502/);
});
