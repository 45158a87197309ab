import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createGatewayServer, listen, remoteSubgraph } from '../gateway/server.js';
import { createLogger } from '../subgraphs/shared/logger.js';
import { serveSubgraph } from '../subgraphs/shared/server.js';
import { SCHEMA_DIR } from '../subgraphs/shared/subgraph.js';
import { operation, startTestGateway, type TestGateway } from './support/gateway.js';
import { postGraphQL } from './support/http.js';

/**
 * The distributed shape: each subgraph its own HTTP service, the gateway over the committed
 * supergraph calling them over HTTP. It must answer exactly as the embedded default does.
 */
let embedded: TestGateway;
let gatewayUrl: string;
const stops: (() => Promise<void>)[] = [];

beforeAll(async () => {
  embedded = await startTestGateway();
  const urls: Record<string, string> = {};
  for (const [name, subgraph] of Object.entries(embedded.embedded.subgraphs)) {
    const served = await serveSubgraph(subgraph, createLogger({ LOG_LEVEL: 'silent' }), 0, '127.0.0.1');
    urls[name] = served.url;
    stops.push(served.stop);
  }
  const gateway = createGatewayServer({
    supergraphSdl: readFileSync(`${SCHEMA_DIR}supergraph.graphql`, 'utf8'),
    dataSource: ({ name }) => remoteSubgraph(urls[name]!),
    logger: createLogger({ LOG_LEVEL: 'silent' }),
  });
  gatewayUrl = await listen(gateway, 0, '127.0.0.1');
  stops.unshift(() => gateway.stop());
});
afterAll(async () => {
  for (const stop of stops) await stop();
  await embedded?.close();
});

it.each(['+447400123456', '+14162015555', '+4920112345678', '12345'])('answers Lineage for %s over HTTP subgraphs as the embedded default does', async (e164) => {
  const distributed = await postGraphQL(gatewayUrl, operation('Lineage'), { e164 });
  const inProcess = await embedded.request(operation('Lineage'), { e164 });
  expect(distributed).toEqual(inProcess);
  if (e164 !== '12345') expect(distributed.data?.number.block.authority.name).toMatch(/Ofcom|CNA|BNetzA/);
});
