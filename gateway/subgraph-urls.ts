/** Subgraph URLs from the supergraph's @join__graph, and the readiness check that each subgraph answers a signed { __typename }. */
import { DEVELOPMENT_ANALYST } from '../contracts/identity.js';
import { SIGNED_SCOPE_HEADER, signScope } from '../contracts/signed-scope.js';

/** Each subgraph's URL as the supergraph names it (`@join__graph(name:, url:)`), by name. */
export function supergraphUrls(supergraphSdl: string): Record<string, string> {
  const urls: Record<string, string> = {};
  for (const match of supergraphSdl.matchAll(/@join__graph\(name: "([^"]+)", url: "([^"]*)"\)/g)) urls[match[1]!] = match[2]!;
  return urls;
}

/**
 * Whether each subgraph service answers a signed `{ __typename }` within `timeoutMs`; throws
 * naming the first that does not (for the log; /ready answers only 503).
 */
export async function checkSubgraphs(urls: Record<string, string>, signingSecret: string, timeoutMs: number): Promise<void> {
  await Promise.all(
    Object.entries(urls).map(async ([name, url]) => {
      const body = JSON.stringify({ query: '{ __typename }' });
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [SIGNED_SCOPE_HEADER]: signScope({ identity: DEVELOPMENT_ANALYST, requestId: 'readiness' }, signingSecret, body),
        },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      }).catch((error: unknown) => {
        throw new Error(`subgraph ${name} is unreachable`, { cause: error });
      });
      if (!response.ok) throw new Error(`subgraph ${name} answered HTTP ${response.status}`);
      await response.body?.cancel();
    }),
  );
}
