/** Users' own tools at the default limits: full introspection, graphql-codegen's client preset, and the explorer in offline headless Chromium. */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getIntrospectionQuery } from 'graphql';
import ts from 'typescript';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './support/gateway.js';
import { runToEnd } from './support/processes.js';

/**
 * Day one with the users' own tools, at the default limits: the standard introspection query
 * (what graphql-codegen, GraphiQL, Sandbox and IDE plugins send), and the landing page's
 * explorer in a real headless Chromium with the network cut off.
 */
let development: TestGateway;
beforeAll(async () => {
  development = await startTestGateway();
});
afterAll(async () => {
  await development?.close();
});

/** graphql-js's full introspection query; test/edge.e2e.test.ts sends it in production. */
const FULL_INTROSPECTION = getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, inputValueDeprecation: true, directiveIsRepeatable: true, schemaDescription: true });

describe('introspection at the default limits', () => {
  it('answers graphql-js\'s full introspection query in development without a key', async () => {
    const result = await development.request(FULL_INTROSPECTION);
    expect(result.errors).toBeUndefined();
    const types = result.data!.__schema.types as { name: string }[];
    expect(types.map((t) => t.name)).toEqual(expect.arrayContaining(['Number', 'Block', 'Carrier', 'Authority']));
  });

  it('still refuses introspection that fans out (fields within fields within fields)', async () => {
    const fanOut = await development.request('{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }');
    expect(fanOut.data ?? null).toBeNull();
    expect(fanOut.errors![0]!.message).toMatch(/introspection/i);
  });
});

describe('a frontend generating types from the running gateway', () => {
  it('runs graphql-codegen with the client preset (examples/frontend) against it at the default limits, and the result type-checks', async () => {
    const project = new URL('..', import.meta.url).pathname;
    // inside the project (gitignored .data/), so the generated code resolves the packages it imports
    mkdirSync(join(project, '.data'), { recursive: true });
    const frontend = mkdtempSync(join(project, '.data/frontend-'));
    try {
      cpSync(join(project, 'examples/frontend'), frontend, { recursive: true });
      const config = join(frontend, 'codegen.ts');
      writeFileSync(config, readFileSync(config, 'utf8').replace("'http://localhost:4000/'", JSON.stringify(development.url)));
      const codegen = await runToEnd(join(project, 'node_modules/.bin/graphql-codegen'), ['--config', config], { cwd: frontend });
      expect(codegen.code, codegen.output).toBe(0);
      expect(readFileSync(join(frontend, 'src/gql/graphql.ts'), 'utf8')).toContain('export type LookupNumbersQuery = { lookupNumbers: Array<{ e164: string, country: string | null, numberType: NumberType');
      const program = ts.createProgram([join(frontend, 'src/lookup.ts')], {
        strict: true, noEmit: true, skipLibCheck: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler,
      });
      const problems = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      expect(problems).toEqual([]);
    } finally {
      rmSync(frontend, { recursive: true, force: true });
    }
  });
});

/** Chromium from the system (Debian's `chromium` package), or CHROMIUM_PATH. */
const CHROMIUM = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((path) => path && existsSync(path));
if (!CHROMIUM) console.warn('test/schema-tools.e2e.test.ts: no Chromium installed (apt-get install chromium, or set CHROMIUM_PATH): the explorer\'s browser test is skipped');

describe.skipIf(!CHROMIUM)('the landing page\'s explorer in headless Chromium, offline', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM!, args: ['--no-sandbox'] });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('renders GraphiQL with the explorer from this server alone, and answers a query typed into it, with the CSRF header and the key set', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    // the network is cut off: anything but this machine is refused
    const blocked: string[] = [];
    await context.route('**/*', (route) => {
      const host = new URL(route.request().url()).hostname;
      if (host === '127.0.0.1' || host === 'localhost' || host === '[::1]') return route.continue();
      blocked.push(route.request().url());
      return route.abort('internetdisconnected');
    });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    // what the page's Content-Security-Policy refused (nothing should need refusing)
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) pageErrors.push(message.text());
    });

    const landing = await page.goto(development.url);
    expect(landing!.headers()['content-security-policy']).toMatch(/script-src 'self'/);
    // the explorer plugin lists the root fields from the schema it introspected
    await page.locator('.graphiql-explorer-root').getByText('lookupNumbers', { exact: true }).waitFor({ timeout: 30_000 });
    expect(await page.locator('a[href="sandbox"]').count()).toBe(1);

    // anonymous queries, as the page's default one: GraphiQL reads the operation name from the
    // editor a moment after typing, so a run at once could send the previous query's name
    const run = async (query: string) => {
      const editor = page.locator('.graphiql-query-editor .CodeMirror').first();
      await editor.click();
      await page.keyboard.press('Control+A');
      await page.keyboard.insertText(query);
      const sent = page.waitForRequest((request) => request.method() === 'POST' && (request.postData() ?? '').includes(query.slice(0, 20).replace(/"/g, '\\"')));
      await page.locator('.graphiql-execute-button').click();
      return (await sent).headers();
    };
    const response = page.locator('.graphiql-response');
    // a new key mounts a new GraphiQL, which introspects with it: once it has, the editor is its
    const useKey = async (key: string) => {
      const introspected = page.waitForRequest((request) => request.headers().authorization === `Bearer ${key}` && (request.postData() ?? '').includes('IntrospectionQuery'));
      await page.locator('#api-key').fill(key);
      await page.locator('#key-form button').click();
      await introspected;
    };

    const headers = await run('{ number(e164: "+447400123456") { country block { prefix } } }');
    expect(headers['x-graphql-csrf']).toBe('true');
    expect(headers.authorization).toBeUndefined();
    await expect.poll(() => response.innerText(), { timeout: 15_000 }).toMatch(/"country": "GB"/);

    // the key field: an unknown key is refused by the gateway, an analyst's key answers
    await useKey(`ng_${'A'.repeat(43)}`);
    await run('{ number(e164: "+33612345678") { country } }');
    await expect.poll(() => response.innerText(), { timeout: 15_000 }).toMatch(/unknown or revoked/);
    const { key } = await development.embedded.keys.create({ role: 'analyst', tenant: null });
    await useKey(key);
    const withKey = await run('{ number(e164: "+33612345678") { country } }');
    expect(withKey.authorization).toBe(`Bearer ${key}`);
    await expect.poll(() => response.innerText(), { timeout: 15_000 }).toMatch(/"country": "FR"/);

    expect(blocked).toEqual([]);
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
