/** Where tenants' traffic and webhooks may go: public unicast addresses only, checked after DNS and pinned, with ROUTING_ALLOW_HOSTS exceptions. */
import { lookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';
import { ConfigError } from '../../../platform/config.js';
import { readSettings, type Env } from '../../../platform/settings-schema.js';

/**
 * Where the aggregator may send a tenant's traffic and webhooks: public unicast addresses only.
 * Loopback, private, link-local (cloud metadata at 169.254.169.254), carrier-grade NAT,
 * unique-local, multicast, reserved and the IPv6 forms that embed an IPv4 address are refused,
 * when saved and again at each delivery, after DNS resolution: the delivery connects to the
 * address that was checked (no DNS rebinding between the check and the connection).
 * ROUTING_ALLOW_HOSTS names exceptions (tests, private deployments).
 */

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to its addresses (the system resolver by default; tests pass their own). */
export type Resolver = (host: string) => Promise<ResolvedAddress[]>;

const RESOLVE_TIMEOUT_MS = 3_000;

export const systemResolver: Resolver = async (host) => {
  const answers = await lookup(host, { all: true, verbatim: true });
  return answers.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

export type AddressCheck = { ok: true; pinned: ResolvedAddress } | { ok: false; reason: string; unresolved?: boolean };

/** Why an address is not a public unicast one; null when it is. */
export function forbiddenRange(address: string): string | null {
  if (!ipaddr.isValid(address)) return 'not an IP address';
  // ::ffff:10.0.0.1 is 10.0.0.1
  const parsed = ipaddr.process(address);
  const range = parsed.range();
  return range === 'unicast' ? null : range;
}

interface AllowEntry {
  host: string | null;
  cidr: [ipaddr.IPv4 | ipaddr.IPv6, number] | null;
  /** Only this port (`host:port`, `[v6]:port`); null: any port. */
  port: number | null;
}

export class AddressPolicy {
  constructor(
    private readonly allowed: readonly AllowEntry[],
    private readonly resolver: Resolver = systemResolver,
  ) {}

  /**
   * ROUTING_ALLOW_HOSTS: a comma-separated list of host names, IP addresses and CIDR ranges
   * exempt from the address rules (and allowed plain http); a host or address may name one
   * port (`127.0.0.1:8443`, `[::1]:8443`, `hooks.internal:9000`), exempting that port only.
   */
  static fromEnv(env: Env, resolver?: Resolver): AddressPolicy {
    const entries: AllowEntry[] = [];
    for (const item of readSettings(env, ['ROUTING_ALLOW_HOSTS']).ROUTING_ALLOW_HOSTS.map((s) => s.toLowerCase())) {
      const withPort = /^(\[[0-9a-f:.]+\]|[^:\[\]]+):(\d{1,5})$/.exec(item);
      const port = withPort ? Number(withPort[2]) : null;
      const host = withPort ? withPort[1]!.replace(/^\[|\]$/g, '') : item;
      if (port !== null && (port < 1 || port > 65_535)) throw new ConfigError(`ROUTING_ALLOW_HOSTS: the port of "${item}" must be 1 to 65535`);
      if (port === null && ipaddr.isValidCIDR(host)) entries.push({ host: null, cidr: ipaddr.parseCIDR(host), port });
      else if (ipaddr.isValid(host)) {
        const ip = ipaddr.parse(host);
        entries.push({ host: null, cidr: [ip, ip.kind() === 'ipv4' ? 32 : 128], port });
      } else if (/^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/.test(host)) entries.push({ host: host.replace(/\.$/, ''), cidr: null, port });
      else throw new ConfigError(`ROUTING_ALLOW_HOSTS must list host names, IP addresses or CIDR ranges (each with an optional :port) separated by commas, got "${item}"`);
    }
    return new AddressPolicy(entries, resolver);
  }

  /** The host (a name or an IP literal) is on the allowlist by itself, for this port (an entry with a port allows only that one). */
  allowsHost(host: string, port: number | null = null): boolean {
    const name = host.toLowerCase().replace(/\.$/, '');
    if (this.allowed.some((e) => e.host === name && portMatches(e, port))) return true;
    return ipaddr.isValid(name) && this.allowsAddress(name, port);
  }

  private allowsAddress(address: string, port: number | null): boolean {
    const ip = ipaddr.process(address);
    return this.allowed.some((e) => {
      if (!e.cidr || !portMatches(e, port)) return false;
      const [range, bits] = e.cidr;
      return range.kind() === ip.kind() && ip.match(range, bits);
    });
  }

  /**
   * Resolves the host and checks every address (one bad answer refuses the host: a resolver
   * may hand out either). `pinned` is the address to connect to.
   */
  async check(host: string, port: number | null = null): Promise<AddressCheck> {
    const name = host.replace(/^\[|\]$/g, '');
    const byName = this.allowsHost(name, port);
    let addresses: ResolvedAddress[];
    if (ipaddr.isValid(name)) addresses = [{ address: name, family: ipaddr.parse(name).kind() === 'ipv6' ? 6 : 4 }];
    else {
      try {
        addresses = await withTimeout(this.resolver(name), RESOLVE_TIMEOUT_MS);
      } catch (error) {
        return { ok: false, reason: `${name} does not resolve (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, unresolved: true };
      }
      if (addresses.length === 0) return { ok: false, reason: `${name} does not resolve`, unresolved: true };
    }
    if (!byName) {
      for (const { address } of addresses) {
        const range = forbiddenRange(address);
        if (range !== null && !this.allowsAddress(address, port)) {
          return { ok: false, reason: `${name} resolves to ${address}, a ${describe(range)} address, which is not allowed` };
        }
      }
    }
    return { ok: true, pinned: addresses[0]! };
  }
}

const portMatches = (entry: AllowEntry, port: number | null) => entry.port === null || entry.port === port;

const describe = (range: string) => ({ linkLocal: 'link-local', carrierGradeNat: 'carrier-grade NAT', uniqueLocal: 'unique-local (private)', ipv4Mapped: 'IPv4-mapped' })[range] ?? range;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error('DNS timeout'), { code: 'ETIMEOUT' })), ms);
    }),
  ]);
}
