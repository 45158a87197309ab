/**
 * Fails when a committed generated file is stale: the resolver types (graphql-codegen), the
 * composed supergraph or the project's persisted operation manifest; or when the committed
 * supergraph no longer serves a project operation. CI runs it before the tests.
 */
import { readFileSync } from 'node:fs';
import { generate } from '@graphql-codegen/cli';
import config from '../codegen.js';
import { brokenOperations } from '../gateway/operations/check.js';
import { buildManifest, PROJECT_MANIFEST_FILE, serializeManifest } from '../gateway/operations/manifest.js';
import { composeSupergraph } from './supergraph.js';
import { SCHEMA_DIR } from '../subgraphs/subgraph.js';

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
const supergraph = composeSupergraph();
if (read(`${SCHEMA_DIR}supergraph.graphql`) !== supergraph) stale.push('schema/supergraph.graphql (run `npm run compose`)');
const manifest = buildManifest();
if (read(PROJECT_MANIFEST_FILE) !== serializeManifest(manifest)) stale.push('schema/operations/manifest.json (run `npm run compose`)');
// The contract is the public promise: a supergraph that cannot serve it is not merely stale.
for (const broken of brokenOperations(supergraph, manifest, [])) stale.push(`the supergraph no longer serves ${broken}`);

if (stale.length > 0) {
  console.error(`generated files are stale; regenerate and commit them:\n${stale.map((s) => `- ${s}`).join('\n')}`);
  process.exit(1);
}
console.log(`generated files are up to date (${outputs.length} resolver type files, supergraph, ${manifest.operations.length} project operations)`);
