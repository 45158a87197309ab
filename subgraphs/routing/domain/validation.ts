/**
 * What a tenant may configure: SIP trunks (RFC 3261 SIP/SIPS URIs) and https URLs, each bounded,
 * with a user error naming the field. Address rules (no loopback, private... targets) are in
 * ssrf.ts: they need DNS.
 */

export interface FieldError {
  code: 'INVALID';
  message: string;
  field: string[];
}

export type Transport = 'UDP' | 'TCP' | 'TLS';

export interface Trunk {
  uri: string;
  transport: Transport;
  priority: number;
  weight: number;
}

export const MAX_TRUNKS = 8;
export const MAX_SIP_URI = 512;
export const MAX_URL = 2048;

const invalid = (field: string[], message: string): FieldError => ({ code: 'INVALID', message, field });

// RFC 3261 25.1: user part (unreserved, escaped, user-unreserved), host (hostname, IPv4, [IPv6]), port, uri-parameters.
const ESCAPED = '%[0-9A-Fa-f]{2}';
const USER = `(?:[A-Za-z0-9\\-_.!~*'()&=+$,;?/]|${ESCAPED})+`;
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const HOSTNAME = `(?:${LABEL}\\.)*${LABEL}\\.?`;
const IPV4 = '\\d{1,3}(?:\\.\\d{1,3}){3}';
const IPV6 = '\\[[0-9A-Fa-f:.]{2,45}\\]';
const PARAM = `(?:[A-Za-z0-9\\-_.!~*'()\\[\\]/:&+$]|${ESCAPED})+`;
const SIP_URI = new RegExp(`^(sips?):(?:(${USER})@)?(${HOSTNAME}|${IPV4}|${IPV6})(?::(\\d{1,5}))?((?:;${PARAM}(?:=${PARAM})?)*)$`);

export interface SipUri {
  scheme: 'sip' | 'sips';
  host: string;
  port: number | null;
}

/** Parses a SIP or SIPS URI; null when it is not one (or carries a password: user:password@ is deprecated by RFC 3261 and refused). */
export function parseSipUri(text: string): SipUri | null {
  const match = SIP_URI.exec(text);
  if (!match) return null;
  const [, scheme, user, host, port] = match;
  if (user?.includes(':')) return null;
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65_535)) return null;
  if (/^\d+(\.\d+){3}$/.test(host!) && host!.split('.').some((octet) => Number(octet) > 255)) return null;
  return { scheme: scheme as 'sip' | 'sips', host: host!.replace(/^\[|\]$/g, ''), port: port === undefined ? null : Number(port) };
}

export interface TrunkInput {
  uri: string;
  transport?: Transport | null;
  priority?: number | null;
  weight?: number | null;
}

/** Trunks as a tenant gives them: checked and with defaults filled in, or the errors, each naming its field. */
export function validateTrunks(trunks: readonly TrunkInput[], path: string[]): { trunks: Trunk[]; errors: FieldError[] } {
  const errors: FieldError[] = [];
  if (trunks.length < 1 || trunks.length > MAX_TRUNKS) return { trunks: [], errors: [invalid(path, `give 1 to ${MAX_TRUNKS} trunks, got ${trunks.length}`)] };
  const result: Trunk[] = [];
  trunks.forEach((input, i) => {
    const at = [...path, String(i)];
    if (input.uri.length > MAX_SIP_URI) return errors.push(invalid([...at, 'uri'], `uri must be at most ${MAX_SIP_URI} characters`));
    const uri = parseSipUri(input.uri);
    if (!uri) return errors.push(invalid([...at, 'uri'], 'uri must be a SIP or SIPS URI (RFC 3261) without a password, e.g. sip:+447400123456@trunk.example.net'));
    const transport = input.transport ?? (uri.scheme === 'sips' ? 'TLS' : 'UDP');
    if (uri.scheme === 'sips' && transport !== 'TLS') return errors.push(invalid([...at, 'transport'], 'a sips: URI needs transport TLS'));
    for (const name of ['priority', 'weight'] as const) {
      const value = input[name];
      if (value != null && (value < 0 || value > 65_535)) return errors.push(invalid([...at, name], `${name} must be from 0 to 65535`));
    }
    result.push({ uri: input.uri, transport, priority: input.priority ?? 10, weight: input.weight ?? 100 });
  });
  return { trunks: result, errors };
}

/**
 * An https URL without credentials, bounded; `allowHttp(host)` lets named hosts use http (the
 * ROUTING_ALLOW_HOSTS allowlist: tests and private deployments).
 */
export function validateHttpsUrl(text: string, field: string[], allowHttp: (host: string, port: number) => boolean = () => false): { url: URL | null; error: FieldError | null } {
  if (text.length > MAX_URL) return { url: null, error: invalid(field, `the URL must be at most ${MAX_URL} characters`) };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { url: null, error: invalid(field, 'not a URL; use https://host/path') };
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && allowHttp(hostOf(url), portOf(url)))) return { url: null, error: invalid(field, `the URL must use https, not ${url.protocol.replace(/:$/, '')}`) };
  if (url.username || url.password) return { url: null, error: invalid(field, 'the URL must not carry credentials (user:password@)') };
  if (url.hash) return { url: null, error: invalid(field, 'the URL must not have a fragment (#…)') };
  return { url, error: null };
}

/** A URL's host without IPv6 brackets. */
export const hostOf = (url: URL) => url.hostname.replace(/^\[|\]$/g, '');
/** The port a URL connects to (its scheme's default when it names none). */
export const portOf = (url: URL) => (url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80);
