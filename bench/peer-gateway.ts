/**
 * One peer gateway as its own process, for `npm run bench -- --shape distributed`: the product's
 * gateway is measured against these two over the same subgraph services.
 *
 *   BENCH_GATEWAY=stock|bare PORT=… GATEWAY_SIGNING_SECRET=… ALLOCATIONS_URL=… (one per subgraph)
 *
 * - stock: @apollo/gateway 2.14 + Apollo Server, stock (no in-flight deduplication: the stock
 *   gateway has none), signing the scope header in its data sources' fetcher;
 * - bare: the Hive Gateway runtime with the Rust planner at its defaults, nothing of the edge,
 *   signing the scope header in `onFetch` as the product does.
 * Both sign as the development analyst: the subgraph services serve signed requests only.
 * Kept out of the product: @apollo/gateway is a devDependency.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { createGatewayRuntime, type GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { unifiedGraphHandler } from '@graphql-hive/router-runtime';
import httpTransport from '@graphql-mesh/transport-http';
import { DEVELOPMENT_ANALYST } from '../contracts/identity.js';
import { SIGNED_SCOPE_HEADER, signScope } from '../contracts/signed-scope.js';
import { SCHEMA_DIR } from '../subgraphs/subgraph.js';
import { SUBGRAPH_NAMES } from '../subgraphs/names.js';

const which = process.env.BENCH_GATEWAY;
const port = Number(process.env.PORT ?? '0');
const secret = process.env.GATEWAY_SIGNING_SECRET;
if (which !== 'stock' && which !== 'bare') throw new Error('BENCH_GATEWAY must be stock or bare');
if (!secret) throw new Error('GATEWAY_SIGNING_SECRET is required');
const supergraphSdl = readFileSync(`${SCHEMA_DIR}supergraph.graphql`, 'utf8');
const urls: Record<string, string> = {};
for (const name of SUBGRAPH_NAMES) {
  const url = process.env[`${name.toUpperCase()}_URL`];
  if (!url) throw new Error(`${name.toUpperCase()}_URL is required`);
  urls[name] = url;
}
// a plain exit, so that --cpu-prof writes its profile
process.on('SIGTERM', () => process.exit(0));
const scope = () => ({ identity: DEVELOPMENT_ANALYST, requestId: randomUUID() });

if (which === 'stock') {
  // signed where the body is a string about to be sent, as the product's gateway signs it
  class Signed extends RemoteGraphQLDataSource {
    constructor(config: { url: string }) {
      super(config);
      const send = this.fetcher;
      this.fetcher = (url, init) => {
        const headers = { ...(init?.headers as Record<string, string>), [SIGNED_SCOPE_HEADER]: signScope(scope(), secret!, typeof init?.body === 'string' ? init.body : '') };
        return send(url, { ...init, headers });
      };
    }
  }
  const server = new ApolloServer({
    stopOnTerminationSignals: false,
    gateway: new ApolloGateway({ supergraphSdl, buildService: ({ name }) => new Signed({ url: urls[name]! }) }),
  });
  const { url } = await startStandaloneServer(server, { listen: { port, host: '127.0.0.1' } });
  console.log(JSON.stringify({ ready: url }));
} else {
  const sign: GatewayPlugin = {
    onFetch({ options: init, setOptions }) {
      if (typeof init.body !== 'string') return;
      setOptions({ ...init, headers: { ...(init.headers as Record<string, string>), [SIGNED_SCOPE_HEADER]: signScope(scope(), secret!, init.body) } });
    },
  };
  const runtime = createGatewayRuntime({
    supergraph: supergraphSdl,
    unifiedGraphHandler,
    logging: false,
    graphqlEndpoint: '/',
    transports: { http: httpTransport },
    transportEntries: Object.fromEntries(Object.entries(urls).map(([name, location]) => [name, { location }])),
    plugins: () => [sign],
  });
  const server = createServer(runtime);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address();
  console.log(JSON.stringify({ ready: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : port}/` }));
}
