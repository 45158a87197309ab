/** Apollo persisted query manifests: compiling .graphql operations, normalized bodies and sha256 ids, and parsing tenants' manifests. */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Kind, parse, print, visit, type DefinitionNode, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import { InvalidInput, quote } from '../keys/validate.js';

/**
 * Apollo's persisted query manifest format (what `@apollo/generate-persisted-query-manifest`
 * writes and Apollo Router and GraphOS read): each operation's `id` is the sha256 (hex) of its
 * `body`, the exact text a client would otherwise send.
 */
export const MANIFEST_FORMAT = 'apollo-persisted-query-manifest';
export type OperationType = 'query' | 'mutation' | 'subscription';
export interface ManifestOperation {
  id: string;
  name: string;
  type: OperationType;
  body: string;
}
export interface Manifest {
  format: typeof MANIFEST_FORMAT;
  version: 1;
  operations: ManifestOperation[];
}

/** The project's own operations (copied from the contract) and their compiled manifest. */
export const PROJECT_OPERATIONS_DIR = fileURLToPath(new URL('../../schema/operations/', import.meta.url));
export const PROJECT_MANIFEST_FILE = `${PROJECT_OPERATIONS_DIR}manifest.json`;

/** Bounds on a manifest a tenant registers: it is client input, read into memory and the database. */
export const MANIFEST_LIMITS = { operations: 1_000, bodyCharacters: 100_000, nameCharacters: 200 };

const ID = /^[0-9a-f]{64}$/;
const NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;
const TYPES: readonly string[] = ['query', 'mutation', 'subscription'];

export function operationId(body: string): string {
  return createHash('sha256').update(body, 'utf8').digest('hex');
}

/**
 * The body Apollo's tools hash: graphql-js `print` of the document with its top-level
 * definitions sorted, operations before fragments, each by name (`sortTopLevelDefinitions` of
 * `@apollo/persisted-query-lists`, which both the manifest generator and Apollo Client's
 * persisted-query link use). So a client that sends this document computes the same id. The
 * project's operations get no `__typename` added: they are answered exactly as written.
 */
export function normalizedBody(document: DocumentNode): string {
  const rank = (d: DefinitionNode) => (d.kind === Kind.OPERATION_DEFINITION ? 0 : d.kind === Kind.FRAGMENT_DEFINITION ? 1 : 2);
  const name = (d: DefinitionNode) => (d.kind === Kind.OPERATION_DEFINITION || d.kind === Kind.FRAGMENT_DEFINITION ? (d.name?.value ?? '') : '');
  const definitions = [...document.definitions].sort((a, b) => rank(a) - rank(b) || (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0));
  return print({ ...document, definitions });
}

/**
 * Compiles `.graphql` files into manifest operations, as Apollo's generator does: one named
 * operation per file; fragments may live in any of the files and each operation carries the
 * ones it uses. Operations are sorted by name, so the output is stable.
 */
export function compileOperations(sources: { file: string; text: string }[]): ManifestOperation[] {
  const fragments = new Map<string, FragmentDefinitionNode>();
  const operations: { file: string; node: OperationDefinitionNode }[] = [];
  for (const { file, text } of sources) {
    const document = parse(text, { noLocation: true });
    const inFile = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
    if (inFile.length > 1) throw new Error(`${file}: one operation per file (found ${inFile.length})`);
    for (const definition of document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) {
        if (fragments.has(definition.name.value)) throw new Error(`${file}: fragment ${definition.name.value} is defined twice`);
        fragments.set(definition.name.value, definition);
      } else if (definition.kind === Kind.OPERATION_DEFINITION) {
        if (!definition.name) throw new Error(`${file}: operations must be named`);
        operations.push({ file, node: definition });
      } else {
        throw new Error(`${file}: only operations and fragments belong in an operations file`);
      }
    }
  }
  const seen = new Set<string>();
  const compiled = operations.map(({ file, node }) => {
    const name = node.name!.value;
    if (seen.has(name)) throw new Error(`${file}: operation ${name} is defined twice`);
    seen.add(name);
    const used = usedFragments(node, fragments, file);
    const body = normalizedBody({ kind: Kind.DOCUMENT, definitions: [node, ...used] });
    return { id: operationId(body), name, type: node.operation as OperationType, body };
  });
  return compiled.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function usedFragments(root: OperationDefinitionNode, fragments: Map<string, FragmentDefinitionNode>, file: string): FragmentDefinitionNode[] {
  const used = new Map<string, FragmentDefinitionNode>();
  const walk = (node: OperationDefinitionNode | FragmentDefinitionNode) =>
    visit(node, {
      FragmentSpread(spread) {
        const name = spread.name.value;
        if (used.has(name)) return;
        const fragment = fragments.get(name);
        if (!fragment) throw new Error(`${file}: fragment ${name} is not defined in any operations file`);
        used.set(name, fragment);
        walk(fragment);
      },
    });
  walk(root);
  return [...used.values()];
}

/** The manifest of every `.graphql` file in `dir` (the project's: schema/operations/). */
export function buildManifest(dir: string = PROJECT_OPERATIONS_DIR): Manifest {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.graphql'))
    .sort();
  const operations = compileOperations(files.map((file) => ({ file: `${dir}${file}`, text: readFileSync(`${dir}${file}`, 'utf8') })));
  return { format: MANIFEST_FORMAT, version: 1, operations };
}

/** The file's text: stable key order, two-space indent, a final newline (diffs stay readable). */
export function serializeManifest(manifest: Manifest): string {
  const operations = manifest.operations.map(({ id, name, type, body }) => ({ id, name, type, body }));
  return `${JSON.stringify({ format: manifest.format, version: manifest.version, operations }, null, 2)}\n`;
}

/** The committed project manifest (schema/operations/manifest.json). */
export function readProjectManifest(file: string = PROJECT_MANIFEST_FILE): Manifest {
  return parseManifest(JSON.parse(readFileSync(file, 'utf8')));
}

/**
 * Checks a manifest's shape and bounds (not yet its operations against the schema, see
 * `checkOperations`). Throws `InvalidInput` naming the operation and what is wrong.
 */
export function parseManifest(input: unknown): Manifest {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new InvalidInput('a manifest is a JSON object');
  const { format, version, operations } = input as Record<string, unknown>;
  if (format !== MANIFEST_FORMAT) throw new InvalidInput(`manifest "format" must be "${MANIFEST_FORMAT}"`);
  if (version !== 1) throw new InvalidInput('manifest "version" must be 1');
  if (!Array.isArray(operations)) throw new InvalidInput('manifest "operations" must be a list');
  if (operations.length > MANIFEST_LIMITS.operations) {
    throw new InvalidInput(`a manifest holds at most ${MANIFEST_LIMITS.operations} operations; this one has ${operations.length}`);
  }
  const ids = new Map<string, string>();
  const names = new Set<string>();
  const parsed = operations.map((entry: unknown, index): ManifestOperation => {
    const where = (name?: unknown) => `operation ${index + 1}${typeof name === 'string' ? ` (${quote(name)})` : ''}`;
    if (typeof entry !== 'object' || entry === null) throw new InvalidInput(`${where()} must be an object`);
    const { id, name, type, body } = entry as Record<string, unknown>;
    if (typeof name !== 'string' || name.length > MANIFEST_LIMITS.nameCharacters || !NAME.test(name)) {
      throw new InvalidInput(`${where(name)}: "name" must be a GraphQL name of at most ${MANIFEST_LIMITS.nameCharacters} characters`);
    }
    if (typeof id !== 'string' || !ID.test(id)) throw new InvalidInput(`${where(name)}: "id" must be a sha256 in lowercase hex (64 characters)`);
    if (typeof type !== 'string' || !TYPES.includes(type)) throw new InvalidInput(`${where(name)}: "type" must be one of ${TYPES.join(', ')}`);
    if (typeof body !== 'string' || body.length === 0 || body.length > MANIFEST_LIMITS.bodyCharacters) {
      throw new InvalidInput(`${where(name)}: "body" must be a non-empty string of at most ${MANIFEST_LIMITS.bodyCharacters} characters`);
    }
    if (ids.has(id)) throw new InvalidInput(`${where(name)}: id ${id} is already used by ${ids.get(id)}`);
    if (names.has(name)) throw new InvalidInput(`${where(name)}: two operations are named ${name}`);
    ids.set(id, name);
    names.add(name);
    return { id, name, type: type as OperationType, body };
  });
  return { format: MANIFEST_FORMAT, version: 1, operations: parsed };
}
