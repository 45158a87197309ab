/** The client's address (TRUSTED_PROXIES and x-forwarded-for) and the per-address budget of failed authentications. */
import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';
import { ConfigError } from '../platform/config.js';
import { slidingWindowCounts } from './rate-limit.js';

/**
 * TRUSTED_PROXIES: the load balancers in front of the gateway, as addresses or CIDR ranges
 * (`10.0.0.0/8, 127.0.0.1`). Only a connection from one of them may say, in x-forwarded-for,
 * whom it forwards; anyone else's header is ignored (it would let a client pick its address).
 */
export function readTrustedProxies(raw: string | readonly string[] | undefined): BlockList {
  const list = new BlockList();
  const entries = typeof raw === 'string' || raw === undefined ? (raw ?? '').split(',') : raw;
  for (const entry of entries.map((e) => e.trim()).filter(Boolean)) {
    const [address, bits, extra] = entry.split('/');
    const type = isIP(address ?? '');
    const prefix = bits === undefined ? null : Number(bits);
    if (!type || extra !== undefined || (prefix !== null && (!/^\d+$/.test(bits!) || prefix > (type === 4 ? 32 : 128)))) {
      throw new ConfigError(`TRUSTED_PROXIES must list IP addresses or CIDR ranges (e.g. 10.0.0.0/8,127.0.0.1), got "${entry}"`);
    }
    const family = type === 4 ? 'ipv4' : 'ipv6';
    if (prefix === null) list.addAddress(address!, family);
    else list.addSubnet(address!, prefix, family);
  }
  return list;
}

const trusts = (proxies: BlockList, address: string): boolean => {
  const type = isIP(address);
  return type !== 0 && proxies.check(address, type === 4 ? 'ipv4' : 'ipv6');
};

/**
 * The client's address: the connection's peer, or, when that peer is a trusted proxy, the
 * right-most address of x-forwarded-for that is not a trusted proxy (the left-most parts are
 * whatever the client wrote).
 */
export function clientAddress(peer: string | undefined, forwardedFor: string | null, proxies: BlockList): string {
  let address = (peer ?? 'unknown').replace(/^::ffff:(?=\d+\.)/, '');
  if (!forwardedFor || !trusts(proxies, address)) return address;
  const hops = forwardedFor.split(',').map((h) => h.trim().replace(/^::ffff:(?=\d+\.)/, ''));
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!;
    if (!isIP(hop)) return address;
    address = hop;
    if (!trusts(proxies, hop)) return hop;
  }
  return address;
}

/** The connection behind a request, from the node adapter's server context. */
export function peerOf(serverContext: unknown): string | undefined {
  return (serverContext as { req?: IncomingMessage } | undefined)?.req?.socket?.remoteAddress;
}

/** Addresses counted at once; past it the oldest window's counts are dropped (memory stays bounded). */
const MAX_ADDRESSES = 100_000;

/**
 * Failed authentications per client address (unknown, revoked or malformed keys, no key in
 * production), over a sliding window, in this process's memory. Checked before a key is looked up: an
 * address past its budget gets 429 at once, so a flood of made-up keys costs the key store
 * nothing and cannot slow the callers that hold valid keys.
 */
export function authFailureLimit(failures: number, windowSeconds: number) {
  const counts = slidingWindowCounts(windowSeconds, MAX_ADDRESSES);
  return {
    /** Seconds until the address may try again, or null while it is within its budget. */
    refused(address: string): number | null {
      return counts.get(address) < failures ? null : (counts.retryAfter(address, failures) ?? windowSeconds);
    },
    failed(address: string): void {
      counts.add(address);
    },
  };
}
export type AuthFailureLimit = ReturnType<typeof authFailureLimit>;
