/** The gateway's signed scope header to subgraphs: HMAC of identity and the request's body, short-lived, single-use, and the signing secret. */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { ConfigError } from '../platform/config.js';
import { readSettings, type Env } from '../platform/settings-schema.js';
import { ROLES, type Identity, type RequestScope } from './identity.js';

/**
 * The identity a gateway passes to a subgraph service over HTTP: `<payload>.<signature>`, the
 * payload base64url JSON of { identity, requestId, exp, nonce } and the signature HMAC-SHA256,
 * under GATEWAY_SIGNING_SECRET, of the payload and the exact body of the request it travels
 * with. The header is bound to that one request (another body, or the same operation with other
 * variables, fails the signature), lives only as long as a fetch needs to arrive, and is
 * single-use (`nonce`, remembered by the service until it expires): a captured header runs
 * nothing else, and not twice. A subgraph trusts no raw header, only this.
 *
 * Signed over the body's bytes, not over its parsed meaning: the gateway signs the string it is
 * about to send and the service checks the bytes it received, so neither parses nor re-serialises
 * the request to sign it (that was about 0.25 ms of the gateway's CPU per Lineage request).
 */
export const SIGNED_SCOPE_HEADER = 'x-numbergraph-scope';

/**
 * How long a signed scope stays valid: it is checked when the fetch arrives, so this is the
 * time on the wire plus room for clock skew between hosts (keep their clocks synchronised).
 */
export const SIGNED_SCOPE_TTL_SECONDS = 15;

const MAX_TOKEN_LENGTH = 2_048;

/** What a signed scope is bound to: the exact body sent, or an object sent as its `JSON.stringify`. */
export type SignedBody = string | object;

const bytesOf = (body: SignedBody | null | undefined): string => (typeof body === 'string' ? body : body == null ? '' : JSON.stringify(body));

function signature(secret: string, payload: string, body: string): Buffer {
  return createHmac('sha256', secret).update(payload).update('.').update(body).digest();
}

export function signScope(scope: RequestScope, secret: string, body: SignedBody, now = Date.now()): string {
  const payload = Buffer.from(
    JSON.stringify({
      identity: scope.identity,
      requestId: scope.requestId,
      exp: Math.floor(now / 1000) + SIGNED_SCOPE_TTL_SECONDS,
      nonce: randomUUID(),
    }),
  ).toString('base64url');
  return `${payload}.${signature(secret, payload, bytesOf(body)).toString('base64url')}`;
}

/** A verified scope, with what the service needs to refuse a second use of the same header. */
export interface VerifiedScope extends RequestScope {
  nonce: string;
  /** When the header expires (ms since the epoch): its nonce need not be remembered longer. */
  expiresAt: number;
}

/**
 * The scope a valid, unexpired token made for `request` carries; null for anything else
 * (missing, forged, expired, malformed, or made for another body).
 */
export function verifyScope(token: string | null | undefined, secret: string, body: SignedBody | null | undefined, now = Date.now()): VerifiedScope | null {
  if (!token || token.length > MAX_TOKEN_LENGTH) return null;
  const [payload, signed, extra] = token.split('.');
  if (!payload || !signed || extra !== undefined) return null;
  const expected = signature(secret, payload, bytesOf(body));
  const presented = Buffer.from(signed, 'base64url');
  if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) return null;
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (typeof claims !== 'object' || claims === null) return null;
  const { identity, requestId, exp, nonce } = claims as Record<string, unknown>;
  if (typeof exp !== 'number' || exp * 1000 < now) return null;
  if (typeof nonce !== 'string' || nonce.length === 0 || nonce.length > 64) return null;
  if (typeof requestId !== 'string' || !isIdentity(identity)) return null;
  return { identity: { role: identity.role, tenant: identity.tenant, keyId: identity.keyId }, requestId, nonce, expiresAt: exp * 1000 };
}

/**
 * Nonces of the headers a service has accepted, each until its header expires: a header used
 * once is refused the second time. Per process: a replica of the same service does not know
 * what another accepted (a replay there still needs the identical request, within the lifetime).
 */
export function replayGuard(): { firstUse(scope: VerifiedScope, now?: number): boolean } {
  const seen = new Map<string, number>();
  let nextSweep = 0;
  return {
    firstUse(scope, now = Date.now()) {
      if (now >= nextSweep) {
        for (const [nonce, expiresAt] of seen) if (expiresAt < now) seen.delete(nonce);
        nextSweep = now + 1_000;
      }
      if (seen.has(scope.nonce)) return false;
      seen.set(scope.nonce, scope.expiresAt);
      return true;
    },
  };
}

function isIdentity(value: unknown): value is Identity {
  if (typeof value !== 'object' || value === null) return false;
  const { role, tenant, keyId } = value as Record<string, unknown>;
  return (ROLES as readonly unknown[]).includes(role) && (tenant === null || typeof tenant === 'string') && (keyId === null || typeof keyId === 'string');
}

/**
 * GATEWAY_SIGNING_SECRET, shared by the gateway and the subgraph services: at least 32
 * characters. Required where `required` (every process of the distributed shape).
 */
export function readSigningSecret(env: Env, required: boolean): string | null {
  const secret = readSettings(env, ['GATEWAY_SIGNING_SECRET']).GATEWAY_SIGNING_SECRET;
  if (!secret) {
    if (required) throw new ConfigError('GATEWAY_SIGNING_SECRET must be set (at least 32 characters, the same for the gateway and every subgraph service)');
    return null;
  }
  if (secret.length < 32) throw new ConfigError(`GATEWAY_SIGNING_SECRET must be at least 32 characters, got ${secret.length}`);
  return secret;
}
