/** The layering the README's Layout promises, checked on every import: who may import whom, no cycles, no product file importing tests. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const FOLDERS = ['platform', 'contracts', 'gateway', 'subgraphs', 'providers', 'src', 'scripts', 'bench', 'test'];

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((entry) => {
    const path = join(dir, entry);
    if (entry === 'node_modules') return [];
    if (statSync(join(ROOT, path)).isDirectory()) return sourceFiles(path);
    return /\.(ts|mts|mjs)$/.test(entry) ? [path] : [];
  });
}

const files = FOLDERS.flatMap(sourceFiles);
const known = new Set(files);
/** Each file's relative imports (static, dynamic and type-only), as repository paths. */
const imports = new Map(
  files.map((file) => {
    const source = readFileSync(join(ROOT, file), 'utf8');
    const targets = [...source.matchAll(/(?:\bfrom|\bimport)\s*\(?\s*['"](\.\.?\/[^'"]+)['"]/g)].flatMap(([, specifier]) => {
      const path = normalize(join(dirname(file), specifier!));
      const found = [path, path.replace(/\.js$/, '.ts'), path.replace(/\.mjs$/, '.mts')].find((candidate) => known.has(candidate));
      return found ? [found] : [];
    });
    return [file, targets];
  }),
);
const isTest = (file: string) => file.endsWith('.test.ts') || file.startsWith('test/');
/** Benchmarks are tools beside the product: they may use the tests' process spawner and HTTP helpers. */
const isProduct = (file: string) => !isTest(file) && !file.startsWith('bench/');
const top = (file: string) => file.split('/')[0]!;
const subgraphOf = (file: string) => (file.startsWith('subgraphs/') ? file.split('/')[1] : undefined);

/** Every import of a product file (tests aside) that breaks `allowed`, as "from -> to". */
function violations(allowed: (from: string, to: string) => boolean): string[] {
  return [...imports].flatMap(([from, targets]) => (!isProduct(from) ? [] : targets.filter((to) => !allowed(from, to)).map((to) => `${from} -> ${to}`)));
}

describe('the layering', () => {
  it('keeps platform/ and contracts/ free of gateway, subgraph, provider and process code', () => {
    expect(violations((from, to) => !['platform', 'contracts'].includes(top(from)) || ['platform', 'contracts'].includes(top(to)))).toEqual([]);
  });

  it('keeps providers/ (the upstream world and its client) free of subgraph, gateway and process code', () => {
    expect(violations((from, to) => top(from) !== 'providers' || ['providers', 'platform', 'contracts'].includes(top(to)))).toEqual([]);
  });

  it('never lets a subgraph import another subgraph, the registry of all of them, the gateway or the processes', () => {
    // what every subgraph shares: the names, the shape of a subgraph, the one provider-failure shape
    const frame = new Set(['subgraphs/names.ts', 'subgraphs/subgraph.ts', 'subgraphs/provider-failure.ts']);
    expect(
      violations((from, to) => {
        const own = subgraphOf(from);
        if (own === undefined || !from.slice('subgraphs/'.length).includes('/')) return true;
        if (top(to) === 'gateway' || top(to) === 'src' || top(to) === 'scripts') return false;
        return subgraphOf(to) === own || frame.has(to) || top(to) !== 'subgraphs';
      }),
    ).toEqual([]);
  });

  it('keeps the gateway core free of subgraph code (it knows subgraphs by name and URL only)', () => {
    expect(violations((from, to) => top(from) !== 'gateway' || (top(to) !== 'subgraphs' && top(to) !== 'src'))).toEqual([]);
  });

  it('never imports test code from product code', () => {
    expect(violations((_from, to) => !isTest(to))).toEqual([]);
  });

  it('has no import cycles', () => {
    // Tarjan's strongly connected components over every file, tests included
    const index = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const onStack = new Set<string>();
    const cycles: string[][] = [];
    let next = 0;
    const visit = (file: string) => {
      index.set(file, next);
      low.set(file, next++);
      stack.push(file);
      onStack.add(file);
      for (const target of imports.get(file) ?? []) {
        if (!index.has(target)) {
          visit(target);
          low.set(file, Math.min(low.get(file)!, low.get(target)!));
        } else if (onStack.has(target)) low.set(file, Math.min(low.get(file)!, index.get(target)!));
      }
      if (low.get(file) === index.get(file)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== file);
        if (component.length > 1) cycles.push(component.map((f) => relative('.', f)));
      }
    };
    for (const file of files) if (!index.has(file)) visit(file);
    expect(cycles).toEqual([]);
  });

  it('opens every file with a line saying what it is', () => {
    const silent = files.filter((file) => !file.includes('/generated/')).filter((file) => !/^\s*(\/\*|\/\/)/.test(readFileSync(join(ROOT, file), 'utf8')));
    expect(silent).toEqual([]);
  });
});
