/**
 * `npm run operations -- <command>`: the project's persisted operation manifest and tenants'
 * registered manifests (see --help).
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { createKeyStore } from '../gateway/keys/store.js';
import { InvalidInput } from '../gateway/keys/validate.js';
import { buildManifest, parseManifest, PROJECT_MANIFEST_FILE, readProjectManifest, serializeManifest } from '../gateway/operations/manifest.js';
import { createPersistedOperations } from '../gateway/operations/store.js';
import { SCHEMA_DIR } from '../subgraphs/subgraph.js';
import { defineCommand, parseCommandLine, runAsMain, table, UsageError } from './cli.js';
import { commandLogger, openEdgeDatabase } from './edge-database.js';

/** A manifest file larger than this is refused before it is read (1,000 operations of 100,000 characters fit in 100 MB; real ones are far smaller). */
const MAX_MANIFEST_BYTES = 20 * 1024 * 1024;

const HELP = `Usage: npm run operations -- <command>

Commands:
  build
      Compiles every .graphql file in schema/operations/ into schema/operations/manifest.json
      (Apollo's persisted query manifest format; \`npm run compose\` does it too).
  register --tenant <id> <manifest.json>
      Registers a tenant's persisted operations (Apollo's persisted query manifest format), replacing
      the tenant's previous manifest. Every operation must validate against schema/supergraph.graphql
      and its id must be the sha256 of its body; otherwise nothing is registered and each refused
      operation is named with the reason.
  list [--tenant <id>]
      Lists the project's operations (which every partner may run) and the tenants' registered ones.

The database: EDGE_DATABASE_URL, else DATABASE_URL, else the embedded PGlite under PGLITE_DIR
(default .data/pglite; while \`npm start\` runs on it, through the running server's database).
`;

/** `npm run operations -- …` in-process: its exit code. */
export const run = defineCommand('operations', async (argv, env, io) => {
  const { values, positionals } = parseCommandLine(argv, {
    tenant: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  const [command, ...rest] = positionals;
  if (values.help || command === 'help') {
    io.stdout(HELP);
    return 0;
  }
  if (!command) throw new UsageError('a command is required: build, register or list');
  if (command === 'build') {
    if (rest.length > 0 || values.tenant !== undefined) throw new UsageError('build takes no arguments');
    const manifest = buildManifest();
    writeFileSync(PROJECT_MANIFEST_FILE, serializeManifest(manifest));
    io.stdout(`compiled ${manifest.operations.length} operations into schema/operations/manifest.json\n`);
    return 0;
  }
  if (command === 'register') {
    if (values.tenant === undefined) throw new UsageError('register needs --tenant <id>');
    if (rest.length !== 1) throw new UsageError('register takes one manifest file');
    const manifest = readManifestFile(rest[0]!);
    const logger = commandLogger(env);
    const database = await openEdgeDatabase(env, logger);
    try {
      const store = createPersistedOperations(database.db, readProjectManifest(), currentSupergraph());
      const result = await store.register(values.tenant, manifest);
      if (!result.ok) {
        const lines = result.refusals.map((r) => `- ${r.name} (${r.id.slice(0, 12)}…): ${r.reason}`);
        io.stderr(`operations: refused ${result.refusals.length} of ${manifest.operations.length} operations; nothing registered for tenant ${result.tenant}:\n${lines.join('\n')}\n`);
        return 1;
      }
      io.stdout(`registered ${result.registered} operations for tenant ${result.tenant} (replacing ${result.replaced}) in ${database.description}\n`);
      // A typo in --tenant would register for nobody: say so (registering ahead of the keys is fine).
      const partnerKeys = (await createKeyStore(database.db).list({ tenant: result.tenant })).filter((k) => k.role === 'partner' && !k.revokedAt);
      if (partnerKeys.length === 0) io.stderr(`note: tenant ${result.tenant} has no active partner key yet (npm run keys -- create --tenant ${result.tenant} --role partner)\n`);
      return 0;
    } finally {
      await database.close();
    }
  }
  if (command === 'list') {
    if (rest.length > 0) throw new UsageError('list takes no arguments');
    const logger = commandLogger(env);
    const database = await openEdgeDatabase(env, logger);
    try {
      const project = readProjectManifest();
      const store = createPersistedOperations(database.db, project, currentSupergraph());
      const registered = await store.list(values.tenant === undefined ? {} : { tenant: values.tenant });
      const rows = [
        ...project.operations.map((o) => ['(project)', o.name, o.type, o.id, '']),
        ...registered.map((o) => [o.tenant, o.name, o.type, o.id, o.registeredAt]),
      ];
      io.stdout(table(['tenant', 'name', 'type', 'id', 'registered'], rows));
      return 0;
    } finally {
      await database.close();
    }
  }
  throw new UsageError(`unknown command "${command}": expected build, register or list`);
});

/** The supergraph the gateway serves: registration validates against it. */
function currentSupergraph(): string {
  return readFileSync(`${SCHEMA_DIR}supergraph.graphql`, 'utf8');
}

function readManifestFile(file: string) {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    throw new InvalidInput(`cannot read ${file}: no such file`);
  }
  if (size > MAX_MANIFEST_BYTES) throw new InvalidInput(`${file} is ${size} bytes; a manifest may have at most ${MAX_MANIFEST_BYTES}`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new InvalidInput(`${file} is not JSON: ${(error as Error).message}`);
  }
  return parseManifest(json);
}

runAsMain(import.meta.url, run);
