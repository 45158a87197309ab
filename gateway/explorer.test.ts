/** The explorer plugin serves only its own scripts under /explorer/, and the page loads every asset by relative path. */
import { expect, it } from 'vitest';
import { explorerPage, useExplorer } from './explorer.js';

/** What the plugin answers for a GET of `path` (null: left to the gateway). */
async function get(path: string): Promise<Response | null> {
  const plugin = useExplorer('/', () => '<html>sandbox</html>');
  const url = new URL(path, 'http://127.0.0.1:4000');
  let answer: Response | null = null;
  await (plugin.onRequest as (payload: unknown) => unknown)({
    request: new Request(url),
    url,
    fetchAPI: globalThis,
    endResponse: (response: Response) => (answer = response),
  });
  return answer;
}

it('serves the explorer\'s scripts from node_modules, and nothing else under /explorer/', async () => {
  const graphiql = await get('/explorer/graphiql.js');
  expect(graphiql!.headers.get('content-type')).toMatch(/^text\/javascript/);
  expect(await graphiql!.text()).toContain('GraphiQL');
  for (const name of ['react.js', 'react-dom.js', 'graphiql.css', 'plugin-explorer.js', 'plugin-explorer.css', 'start.js']) expect((await get(`/explorer/${name}`))!.status).toBe(200);
  for (const name of ['constructor', '__proto__', 'graphiql.min.js', 'graphiql.min.js.map']) expect((await get(`/explorer/${name}`))!.status).toBe(404);
  expect(await (await get('/sandbox'))!.text()).toBe('<html>sandbox</html>');
  expect(await get('/health')).toBeNull();
});

it('loads every asset the page names from this server, by relative paths', () => {
  const page = explorerPage('/');
  const assets = [...page.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
  expect(assets.filter((a) => a !== 'sandbox').every((a) => a.startsWith('explorer/'))).toBe(true);
  expect(assets).toContain('sandbox');
});
