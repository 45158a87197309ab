/**
 * Fails when a committed generated file is stale: the resolver types (graphql-codegen) or the
 * composed supergraph. CI runs it before the tests.
 */
import { readFileSync } from 'node:fs';
import { generate } from '@graphql-codegen/cli';
import config from '../codegen.js';
import { composeSupergraph } from './supergraph.js';
import { SCHEMA_DIR } from '../subgraphs/shared/subgraph.js';

const stale: string[] = [];
const read = (file: string) => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
};

const outputs = (await generate({ ...config, silent: true }, false)) as { filename: string; content: string }[];
for (const { filename, content } of outputs) {
  if (read(filename) !== content) stale.push(`${filename} (run \`npm run codegen\`)`);
}
if (read(`${SCHEMA_DIR}supergraph.graphql`) !== composeSupergraph()) stale.push('schema/supergraph.graphql (run `npm run compose`)');

if (stale.length > 0) {
  console.error(`generated files are stale; regenerate and commit them:\n${stale.map((s) => `- ${s}`).join('\n')}`);
  process.exit(1);
}
console.log(`generated files are up to date (${outputs.length} resolver type files, supergraph)`);
