/**
 * `npm run keys -- <command>`: API keys against the configured database (see --help). The key
 * itself is shown once, at creation; only its sha-256 is stored.
 */
import { createKeyStore } from '../gateway/keys/store.js';
import { ROLES } from '../contracts/identity.js';
import { defineCommand, parseCommandLine, runAsMain, table, UsageError } from './cli.js';
import { commandLogger, openEdgeDatabase } from './edge-database.js';

const HELP = `Usage: npm run keys -- <command>

Commands:
  create --tenant <id> --role <role> [--name <text>]
      Creates a key and prints it alone on the last line: store it now, it is shown only once.
      Roles: ${ROLES.join(', ')}. Partner and frontend keys need a tenant (1 to 63 characters of
      a-z, 0-9 and "-"); analyst and admin keys may omit it.
  list [--tenant <id>]
      Lists keys (id, role, tenant, name, created, revoked), never the keys themselves.
  revoke <key id, or the key itself>
      Revokes a key: every gateway refuses it within a second.

The database: EDGE_DATABASE_URL, else DATABASE_URL, else the embedded PGlite under PGLITE_DIR
(default .data/pglite; while \`npm start\` runs on it, through the running server's database).
`;

/** `npm run keys -- …` in-process: its exit code. */
export const run = defineCommand('keys', async (argv, env, io) => {
  const { values, positionals } = parseCommandLine(argv, {
    tenant: { type: 'string' },
    role: { type: 'string' },
    name: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  const [command, ...rest] = positionals;
  if (values.help || command === 'help') {
    io.stdout(HELP);
    return 0;
  }
  const allowed: Record<string, { options: string[]; arguments: number }> = {
    create: { options: ['tenant', 'role', 'name'], arguments: 0 },
    list: { options: ['tenant'], arguments: 0 },
    revoke: { options: [], arguments: 1 },
  };
  if (!command) throw new UsageError('a command is required: create, list or revoke');
  const shape = allowed[command];
  if (!shape) throw new UsageError(`unknown command "${command}": expected create, list or revoke`);
  const extra = Object.keys(values).filter((o) => o !== 'help' && !shape.options.includes(o));
  if (extra.length > 0) throw new UsageError(`${command} does not take --${extra.join(', --')}`);
  if (rest.length !== shape.arguments) {
    throw new UsageError(shape.arguments === 0 ? `${command} takes no arguments, got "${rest.join(' ')}"` : `${command} takes one argument: a key id or a key`);
  }
  if (command === 'create' && !values.role) throw new UsageError(`create needs --role <${ROLES.join('|')}>`);

  const logger = commandLogger(env);
  const database = await openEdgeDatabase(env, logger);
  try {
    const keys = createKeyStore(database.db);
    if (command === 'create') {
      const { id, key } = await keys.create({ tenant: values.tenant ?? null, role: values.role!, name: values.name ?? null });
      io.stdout(`created key ${id} (role ${values.role}${values.tenant ? `, tenant ${values.tenant}` : ''}) in ${database.description}\n`);
      io.stdout('Store the key now: it is shown only this once.\n');
      io.stdout(`${key}\n`);
      return 0;
    }
    if (command === 'list') {
      const list = await keys.list(values.tenant === undefined ? {} : { tenant: values.tenant });
      if (list.length === 0) {
        io.stdout('no keys\n');
        return 0;
      }
      const rows = list.map((k) => [k.id, k.role, k.tenant ?? '-', k.createdAt, k.revokedAt ? `revoked ${k.revokedAt}` : 'active', k.name ?? '']);
      io.stdout(table(['id', 'role', 'tenant', 'created', 'status', 'name'], rows));
      return 0;
    }
    const presented = rest[0]!;
    if (await keys.revoke(presented)) {
      io.stdout(`revoked ${presented.startsWith('key_') ? `key ${presented}` : 'the key given'}\n`);
      return 0;
    }
    io.stderr(`keys: no active key matches ${presented.startsWith('key_') ? presented : 'the key given'} (unknown, or already revoked)\n`);
    return 1;
  } finally {
    await database.close();
  }
});

runAsMain(import.meta.url, run);
