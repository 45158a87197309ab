/** Apollo persisted query manifests: compiled bodies and ids as Apollo's generator makes them, the committed manifest, tenant manifests read. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { brokenOperations } from './check.js';
import { buildManifest, compileOperations, parseManifest, PROJECT_MANIFEST_FILE, readProjectManifest, serializeManifest } from './manifest.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('compiling operations into an Apollo persisted query manifest', () => {
  it('hashes the body Apollo\'s generator prints: operation first, then the fragments it uses by name, graphql-js formatting', () => {
    const [operation, ...others] = compileOperations([
      { file: 'fragments.graphql', text: 'fragment Z on Carrier { id }\nfragment A on Carrier { name ...Z }\nfragment Unused on Carrier { ocn }' },
      { file: 'Op.graphql', text: '# a comment\nquery Carriers($first:Int){carriers(first:$first){edges{node{...A}}}}' },
    ]);
    expect(others).toEqual([]);
    const body =
      'query Carriers($first: Int) {\n  carriers(first: $first) {\n    edges {\n      node {\n        ...A\n      }\n    }\n  }\n}\n\n' +
      'fragment A on Carrier {\n  name\n  ...Z\n}\n\nfragment Z on Carrier {\n  id\n}';
    expect(operation).toEqual({ id: sha256(body), name: 'Carriers', type: 'query', body });
  });

  it('refuses what Apollo\'s generator refuses: anonymous operations, two operations in a file, unknown fragments', () => {
    expect(() => compileOperations([{ file: 'a.graphql', text: '{ carriers { totalCount } }' }])).toThrow('a.graphql: operations must be named');
    expect(() => compileOperations([{ file: 'b.graphql', text: 'query A { a } query B { b }' }])).toThrow('b.graphql: one operation per file');
    expect(() => compileOperations([{ file: 'c.graphql', text: 'query C { a { ...F } }' }])).toThrow('fragment F is not defined');
  });

  it('keeps the committed project manifest what schema/operations/ compiles to, and every project operation served', () => {
    const manifest = buildManifest();
    expect(readFileSync(PROJECT_MANIFEST_FILE, 'utf8')).toBe(serializeManifest(manifest));
    expect(manifest.operations.map((o) => o.name)).toContain('Lineage');
    expect(brokenOperations(readFileSync(new URL('../../schema/supergraph.graphql', import.meta.url), 'utf8'), manifest, [])).toEqual([]);
  });

  it('names the operation a changed supergraph would break, the project\'s or a tenant\'s', () => {
    const supergraph = readFileSync(new URL('../../schema/supergraph.graphql', import.meta.url), 'utf8');
    // Number.numberType renamed (other types, e.g. Market, keep theirs)
    const numberType = supergraph.indexOf('numberType:', supergraph.indexOf('\ntype Number\n'));
    const withoutNumberType = `${supergraph.slice(0, numberType)}numberKind:${supergraph.slice(numberType + 'numberType:'.length)}`;
    expect(withoutNumberType).not.toBe(supergraph);
    const tenantOperation = compileOperations([{ file: 'x', text: 'query CountryOf($e164: String!) { number(e164: $e164) { country numberType } }' }])[0]!;
    expect(brokenOperations(supergraph, readProjectManifest(), [{ tenant: 'acme', operation: tenantOperation }])).toEqual([]);
    const broken = brokenOperations(withoutNumberType, readProjectManifest(), [{ tenant: 'acme', operation: tenantOperation }]);
    expect(broken).toEqual([
      expect.stringMatching(/^CheckOrder \(project manifest, schema\/operations\/\): it does not validate against the supergraph: Cannot query field "numberType" on type "Number"/),
      expect.stringMatching(/^InventoryLineage \(project manifest, schema\/operations\/\): it does not validate against the supergraph: Cannot query field "numberType" on type "Number"/),
      expect.stringMatching(/^Lineage \(project manifest, schema\/operations\/\): it does not validate against the supergraph: Cannot query field "numberType" on type "Number"/),
      expect.stringMatching(/^CountryOf \(registered by tenant acme\): .*Cannot query field "numberType"/),
    ]);
  });
});

describe('reading a manifest a tenant registers', () => {
  const operation = { id: sha256('query A { a }'), name: 'A', type: 'query', body: 'query A { a }' };
  const manifest = (operations: unknown[]) => ({ format: 'apollo-persisted-query-manifest', version: 1, operations });

  it('accepts Apollo\'s format', () => {
    expect(parseManifest(manifest([operation])).operations).toEqual([operation]);
  });

  it('says what is wrong with a malformed one, naming the operation', () => {
    expect(() => parseManifest([])).toThrow('a manifest is a JSON object');
    expect(() => parseManifest({ ...manifest([]), format: 'relay' })).toThrow('manifest "format" must be "apollo-persisted-query-manifest"');
    expect(() => parseManifest({ ...manifest([]), version: 2 })).toThrow('manifest "version" must be 1');
    expect(() => parseManifest(manifest([{ ...operation, id: 'abc' }]))).toThrow('operation 1 ("A"): "id" must be a sha256');
    expect(() => parseManifest(manifest([{ ...operation, type: 'fetch' }]))).toThrow('operation 1 ("A"): "type" must be one of');
    expect(() => parseManifest(manifest([{ ...operation, name: 'not a name' }]))).toThrow('"name" must be a GraphQL name');
    expect(() => parseManifest(manifest([{ ...operation, body: 'x'.repeat(100_001) }]))).toThrow('at most 100000 characters');
    expect(() => parseManifest(manifest([operation, { ...operation, name: 'B' }]))).toThrow(`operation 2 ("B"): id ${operation.id} is already used by A`);
    expect(() => parseManifest(manifest(Array.from({ length: 1_001 }, () => operation)))).toThrow('at most 1000 operations; this one has 1001');
  });
});
