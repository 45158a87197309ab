/**
 * Who is asking, as the gateway established it from the caller's API key. Subgraphs receive it
 * with every request (in-process directly; over HTTP signed by the gateway and verified by the
 * subgraph server) and never from a raw client header.
 */
export const ROLES = ['partner', 'frontend', 'analyst', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface Identity {
  /** partner: registered persisted operations only; frontend: free operations within limits; analyst: the aggregator's read-only staff; admin. */
  role: Role;
  /** The tenant the key belongs to; its private rows (reservations, orders, documents) are the only ones the caller sees. */
  tenant: string | null;
  /** The API key's id; null for the development default (no key sent). */
  keyId: string | null;
}

/** What a subgraph knows of the request it serves: the caller and the gateway's request id (for logs). */
export interface RequestScope {
  identity: Identity;
  requestId: string;
}

/** Development without a key: a read-only analyst, so Sandbox works at once. Never in production. */
export const DEVELOPMENT_ANALYST: Identity = Object.freeze({ role: 'analyst', tenant: null, keyId: null });

/**
 * The tenant whose private rows this caller may see, or null for none. Analysts are the
 * aggregator's staff: they see the catalogue and the plan, never a tenant's private rows.
 */
export function visibleTenant(identity: Identity): string | null {
  return identity.role === 'analyst' ? null : identity.tenant;
}
