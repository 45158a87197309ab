import { createHmac, timingSafeEqual } from 'node:crypto';
import { ConfigError, readString } from './config.js';
import { ROLES, type Identity, type RequestScope } from './identity.js';

/**
 * The identity a gateway passes to a subgraph service over HTTP: `<payload>.<signature>`, the
 * payload base64url JSON of { identity, requestId, exp } and the signature HMAC-SHA256 of it
 * under GATEWAY_SIGNING_SECRET. Short-lived, so a captured header is soon worthless; a subgraph
 * trusts no raw header, only this.
 */
export const SIGNED_SCOPE_HEADER = 'x-numbergraph-scope';

/** How long a signed scope stays valid: one subgraph fetch, with room for clock skew. */
export const SIGNED_SCOPE_TTL_SECONDS = 60;

const MAX_TOKEN_LENGTH = 2_048;

function signature(secret: string, payload: string): Buffer {
  return createHmac('sha256', secret).update(payload).digest();
}

export function signScope(scope: RequestScope, secret: string, now = Date.now()): string {
  const payload = Buffer.from(
    JSON.stringify({ identity: scope.identity, requestId: scope.requestId, exp: Math.floor(now / 1000) + SIGNED_SCOPE_TTL_SECONDS }),
  ).toString('base64url');
  return `${payload}.${signature(secret, payload).toString('base64url')}`;
}

/** The scope a valid, unexpired token carries; null for anything else (missing, forged, expired, malformed). */
export function verifyScope(token: string | null | undefined, secret: string, now = Date.now()): RequestScope | null {
  if (!token || token.length > MAX_TOKEN_LENGTH) return null;
  const [payload, signed, extra] = token.split('.');
  if (!payload || !signed || extra !== undefined) return null;
  const expected = signature(secret, payload);
  const presented = Buffer.from(signed, 'base64url');
  if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) return null;
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (typeof claims !== 'object' || claims === null) return null;
  const { identity, requestId, exp } = claims as Record<string, unknown>;
  if (typeof exp !== 'number' || exp * 1000 < now) return null;
  if (typeof requestId !== 'string' || !isIdentity(identity)) return null;
  return { identity: { role: identity.role, tenant: identity.tenant, keyId: identity.keyId }, requestId };
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
export function readSigningSecret(env: Record<string, string | undefined>, required: boolean): string | null {
  const secret = readString(env, 'GATEWAY_SIGNING_SECRET');
  if (!secret) {
    if (required) throw new ConfigError('GATEWAY_SIGNING_SECRET must be set (at least 32 characters, the same for the gateway and every subgraph service)');
    return null;
  }
  if (secret.length < 32) throw new ConfigError(`GATEWAY_SIGNING_SECRET must be at least 32 characters, got ${secret.length}`);
  return secret;
}
