/**
 * `npm run start:gateway`: the gateway alone, over subgraphs that run as their own services.
 * It reads the committed schema/supergraph.graphql; `<SUBGRAPH>_URL` (e.g. ALLOCATIONS_URL)
 * overrides the address the supergraph names for a subgraph.
 */
import { readFileSync } from 'node:fs';
import { createGatewayServer, listen, remoteSubgraph } from '../gateway/server.js';
import { readInt, readUrl } from '../subgraphs/shared/config.js';
import { processLogger } from '../subgraphs/shared/logger.js';
import { SCHEMA_DIR } from '../subgraphs/shared/subgraph.js';
import { runProcess } from './process.js';

const logger = processLogger();

runProcess(logger, async () => {
  const port = readInt(process.env, 'PORT', 4000, { min: 0, max: 65_535 });
  const server = createGatewayServer({
    supergraphSdl: readFileSync(`${SCHEMA_DIR}supergraph.graphql`, 'utf8'),
    dataSource: ({ name, url }) => remoteSubgraph(readUrl(process.env, `${name.toUpperCase()}_URL`, ['http:', 'https:']) ?? url ?? ''),
    logger,
  });
  const url = await listen(server, port);
  logger.info({ url }, `numbergraph gateway ready at ${url}, over subgraphs served apart`);
  return () => server.stop();
});
