/** The landing page: GraphiQL with the explorer plugin on assets from node_modules (works offline), its CSP, and Apollo Sandbox at /sandbox. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';

/**
 * The landing page: GraphiQL with the explorer plugin, every script and style served by this
 * gateway from its own node_modules (the UMD builds of react 18, graphiql 3 and
 * @graphiql/plugin-explorer 3), so it works without the internet. Apollo Sandbox, which loads
 * from Apollo's CDN, is one click away at /sandbox.
 */

const require = createRequire(import.meta.url);
const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));

/** What /explorer/<name> serves: a file of an installed package, or the page's own script. */
const ASSETS: Record<string, { type: string; file: () => string }> = {
  'react.js': { type: 'text/javascript', file: () => join(packageDir('react'), 'umd/react.production.min.js') },
  'react-dom.js': { type: 'text/javascript', file: () => join(packageDir('react-dom'), 'umd/react-dom.production.min.js') },
  'graphiql.js': { type: 'text/javascript', file: () => join(packageDir('graphiql'), 'graphiql.min.js') },
  'graphiql.css': { type: 'text/css', file: () => join(packageDir('graphiql'), 'graphiql.min.css') },
  'plugin-explorer.js': { type: 'text/javascript', file: () => join(packageDir('@graphiql/plugin-explorer'), 'dist/index.umd.js') },
  'plugin-explorer.css': { type: 'text/css', file: () => join(packageDir('@graphiql/plugin-explorer'), 'dist/style.css') },
};

/** Where the explorer's assets are served; relative in the page, so a path prefix in front of the gateway keeps working. */
export const EXPLORER_PATH = '/explorer/';

/** Only this server's own scripts and styles, and requests to itself. */
const EXPLORER_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'self'";

const DEFAULT_QUERY = `# numbergraph: the lineage of any phone number. Run it with the play button (Ctrl-Enter).
# Without a key in development you are a read-only analyst; in production, enter your key above.
{
  lookupNumbers(e164s: ["+447400123456", "+33612345678", "+14165550123"]) {
    e164
    country
    numberType
    block { prefix region carrier { name } authority { name } }
    holder { id name }
    tier
  }
}
`;

/** The page's own script: GraphiQL with the explorer, a fetcher sending the CSRF header and the key. */
const START_SCRIPT = `(function () {
  var mount = document.getElementById('graphiql');
  var endpoint = new URL(mount.getAttribute('data-endpoint'), window.location.href).toString();
  var keyInput = document.getElementById('api-key');
  keyInput.value = window.sessionStorage.getItem('numbergraph-api-key') || '';
  function fetcherWith(key) {
    return function (params, options) {
      var headers = Object.assign(
        { 'content-type': 'application/json', accept: 'application/json', 'x-graphql-csrf': 'true' },
        key ? { authorization: 'Bearer ' + key } : {},
        (options && options.headers) || {}
      );
      return fetch(endpoint, { method: 'POST', headers: headers, body: JSON.stringify(params), credentials: 'omit' })
        .then(function (response) { return response.json(); });
    };
  }
  var explorer = GraphiQLPluginExplorer.explorerPlugin();
  var root = ReactDOM.createRoot(mount);
  function render() {
    var key = keyInput.value.trim();
    // a new key is a new GraphiQL (key prop): the schema is fetched again with it
    root.render(React.createElement(GraphiQL, {
      key: key,
      fetcher: fetcherWith(key),
      plugins: [explorer],
      visiblePlugin: explorer,
      defaultQuery: ${JSON.stringify(DEFAULT_QUERY)},
      shouldPersistHeaders: false
    }));
  }
  document.getElementById('key-form').addEventListener('submit', function (event) {
    event.preventDefault();
    window.sessionStorage.setItem('numbergraph-api-key', keyInput.value.trim());
    render();
  });
  render();
})();
`;

/** The landing page: GraphiQL on this server's own assets, pointed at `endpoint`. */
export function explorerPage(endpoint: string): string {
  const asset = (name: string) => `explorer/${name}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>numbergraph explorer</title>
<link rel="stylesheet" href="${asset('graphiql.css')}">
<link rel="stylesheet" href="${asset('plugin-explorer.css')}">
<style>
html, body { height: 100%; margin: 0; }
body { display: flex; flex-direction: column; font-family: system-ui, sans-serif; }
#bar { display: flex; gap: 1em; align-items: center; padding: 0.4em 1em; border-bottom: 1px solid #ddd; font-size: 14px; }
#bar form { display: flex; gap: 0.5em; align-items: center; margin: 0; }
#bar input { width: 26em; }
#bar .sandbox { margin-left: auto; }
#graphiql { flex: 1; min-height: 0; }
</style>
</head>
<body>
<div id="bar">
  <strong>numbergraph</strong>
  <form id="key-form">
    <label for="api-key">API key</label>
    <input id="api-key" type="password" autocomplete="off" spellcheck="false" placeholder="ng_… (none: the development analyst)">
    <button type="submit">Use key</button>
  </form>
  <a class="sandbox" href="sandbox">Apollo Sandbox (needs the internet)</a>
</div>
<div id="graphiql" data-endpoint="${endpoint}">Loading the explorer…</div>
<script src="${asset('react.js')}"></script>
<script src="${asset('react-dom.js')}"></script>
<script src="${asset('graphiql.js')}"></script>
<script src="${asset('plugin-explorer.js')}"></script>
<script src="${asset('start.js')}"></script>
</body>
</html>`;
}

/**
 * Serves the explorer's assets under /explorer/ (read once, kept in memory, cached by browsers
 * for an hour) and Apollo Sandbox at /sandbox; sets the explorer page's Content-Security-Policy
 * (only this server's scripts: nothing else can run in a page that holds an API key).
 */
export function useExplorer(endpointPath: string, sandboxPage: () => string): GatewayPlugin {
  const loaded = new Map<string, { type: string; content: string }>();
  const asset = (name: string) => {
    if (name === 'start.js') return { type: 'text/javascript', content: START_SCRIPT };
    if (!Object.hasOwn(ASSETS, name)) return null;
    let found = loaded.get(name);
    if (!found) {
      found = { type: ASSETS[name]!.type, content: readFileSync(ASSETS[name]!.file(), 'utf8') };
      loaded.set(name, found);
    }
    return found;
  };
  return {
    onRequest({ request, url, endResponse, fetchAPI }) {
      if (request.method !== 'GET' && request.method !== 'HEAD') return;
      if (url.pathname === '/sandbox') {
        endResponse(new fetchAPI.Response(sandboxPage(), { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' } }));
        return;
      }
      if (!url.pathname.startsWith(EXPLORER_PATH)) return;
      const found = asset(url.pathname.slice(EXPLORER_PATH.length));
      endResponse(
        found
          ? new fetchAPI.Response(found.content, { status: 200, headers: { 'content-type': `${found.type}; charset=utf-8`, 'cache-control': 'public, max-age=3600' } })
          : new fetchAPI.Response('Not found', { status: 404, headers: { 'content-type': 'text/plain' } }),
      );
    },
    onResponse({ request, response }) {
      // the landing page: GraphiQL's renderer (the runtime's) sets no headers of its own
      if (new URL(request.url).pathname === endpointPath && response.headers.get('content-type')?.startsWith('text/html')) {
        response.headers.set('content-security-policy', EXPLORER_CSP);
      }
    },
  };
}
