/** A webhook POST to the address that was checked (no DNS rebinding), no redirects, the answer bounded in size and time. */
import { Agent, request } from 'undici';
import type { ResolvedAddress } from '../domain/ssrf.js';

export interface PostOutcome {
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
}

/**
 * POSTs to `url`, connecting to `pinned` (the address that was checked) whatever DNS says by
 * now: no rebinding between the check and the connection. TLS still verifies the URL's host
 * name. No redirects are followed (a 3xx is a failed attempt); the answer is read up to
 * `maxBytes`, all within `timeoutMs`.
 */
export async function pinnedPost(url: URL, pinned: ResolvedAddress, headers: Record<string, string>, body: string, limits: { timeoutMs: number; maxBytes: number }): Promise<PostOutcome> {
  const started = performance.now();
  const agent = new Agent({
    connections: 1,
    connect: {
      timeout: limits.timeoutMs,
      lookup: (_hostname, options, callback) => {
        if ((options as { all?: boolean }).all) (callback as (err: null, addresses: { address: string; family: number }[]) => void)(null, [{ address: pinned.address, family: pinned.family }]);
        else callback(null, pinned.address, pinned.family);
      },
    },
  });
  const signal = AbortSignal.timeout(limits.timeoutMs);
  const latency = () => Math.round(performance.now() - started);
  try {
    const response = await request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'user-agent': 'numbergraph-webhooks', ...headers }, body, dispatcher: agent, signal, headersTimeout: limits.timeoutMs, bodyTimeout: limits.timeoutMs });
    let read = 0;
    for await (const chunk of response.body) {
      read += (chunk as Buffer).length;
      if (read >= limits.maxBytes) {
        response.body.destroy();
        break;
      }
    }
    const ok = response.statusCode >= 200 && response.statusCode < 300;
    const error = ok ? null : response.statusCode >= 300 && response.statusCode < 400 ? `answered ${response.statusCode} (redirects are not followed)` : `answered ${response.statusCode}`;
    return { statusCode: response.statusCode, latencyMs: latency(), error };
  } catch (error) {
    const message = signal.aborted ? `no answer within ${limits.timeoutMs} ms` : (error as Error).message;
    return { statusCode: null, latencyMs: latency(), error: message.slice(0, 500) };
  } finally {
    await agent.destroy().catch(() => undefined);
  }
}
