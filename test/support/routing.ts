/** Routing test helpers: a controllable DNS resolver, route, order and release mutations, tenant keys, and ordering a number. */
import { systemResolver, type ResolvedAddress, type Resolver } from '../../subgraphs/routing/domain/ssrf.js';
import type { TestGateway } from './gateway.js';

/** A resolver the test controls: names it was told about answer those addresses, others as the system resolves them. */
export function fakeDns(): { resolve: Resolver; set(host: string, address: string): void } {
  const names = new Map<string, ResolvedAddress[]>();
  return {
    resolve: async (host) => {
      const answer = names.get(host.toLowerCase());
      if (!answer) return systemResolver(host);
      return answer;
    },
    set: (host, address) => void names.set(host.toLowerCase(), [{ address, family: address.includes(':') ? 6 : 4 }]),
  };
}

export const CONFIGURE_ROUTE = `mutation($e164: String!, $voice: VoiceRouteInput, $messaging: MessagingRouteInput) {
  configureRoute(e164: $e164, voice: $voice, messaging: $messaging) {
    number { e164 route { state reason voice { uri trunks { edges { node { uri transport priority weight } } } } messaging { uri } } }
    userErrors { code message field }
  }
}`;

export const ORDER = `mutation($input: OrderNumbersInput!) { orderNumbers(input: $input) { order { status numbers { e164 status holder { id } } } userErrors { code message } } }`;
export const RELEASE = `mutation($input: ReleaseNumbersInput!) { releaseNumbers(input: $input) { numbers { e164 ok } userErrors { code } } }`;

/** A tenant's key and a bearer header for it. */
export async function tenantKey(gateway: TestGateway, tenant: string): Promise<Record<string, string>> {
  const { key } = await gateway.embedded.keys.create({ role: 'frontend', tenant, name: `routing e2e ${tenant}` });
  return { authorization: `Bearer ${key}` };
}

/** Orders a number for the tenant; returns the provider that holds it. */
export async function orderNumber(gateway: TestGateway, headers: Record<string, string>, e164: string): Promise<string> {
  const placed = await gateway.request(ORDER, { input: { numbers: [e164], idempotencyKey: `order-${e164}` } }, headers);
  const line = placed.data?.orderNumbers.order?.numbers[0];
  if (line?.status !== 'COMPLETED') throw new Error(`ordering ${e164} failed: ${JSON.stringify(placed)}`);
  return line.holder.id as string;
}
