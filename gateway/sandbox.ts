/**
 * /sandbox: Apollo Sandbox, embedded, pointed at this gateway (the explorer many analysts know;
 * loaded from Apollo's CDN, so online only: the landing page, gateway/explorer.ts, works
 * offline). Served as static HTML; every request it makes is a normal GraphQL request, with the
 * key the analyst enters in Sandbox's headers.
 */
export function sandboxPage(endpoint: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>numbergraph: Apollo Sandbox</title>
<style>html,body,#sandbox{height:100%;margin:0;width:100%}</style></head>
<body>
<div id="sandbox"></div>
<script src="https://embeddable-sandbox.cdn.apollographql.com/_latest/embeddable-sandbox.umd.production.min.js"></script>
<script>
new window.EmbeddedSandbox({
  target: '#sandbox',
  initialEndpoint: new URL(${JSON.stringify(endpoint)}, window.location.href).toString(),
  includeCookies: false,
  initialState: { sharedHeaders: { 'apollo-require-preflight': 'true' } },
});
</script>
</body>
</html>`;
}
