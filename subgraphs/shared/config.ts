/**
 * Reading configuration from the environment. Bad values fail fast with a message that
 * names the variable, so a typo in a deployment is caught at start, not at the first query.
 */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

export function readString(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

export function readInt(env: Env, name: string, fallback: number, bounds: { min: number; max: number }): number {
  const raw = readString(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(`${name} must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < bounds.min || value > bounds.max) {
    throw new ConfigError(`${name} must be between ${bounds.min} and ${bounds.max}, got ${value}`);
  }
  return value;
}

export function readUrl(env: Env, name: string, protocols: string[]): string | undefined {
  const raw = readString(env, name);
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name} is not a URL: "${redact(raw)}"`);
  }
  if (!protocols.includes(url.protocol)) {
    throw new ConfigError(`${name} must use ${protocols.join(' or ')}, got "${url.protocol}"`);
  }
  return raw;
}

/** Query parameters that carry secrets in connection strings (libpq's `password`, tokens, keys). */
const SECRET_PARAMETER = /^(password|passwd|pwd|pass|secret|token|access_token|api[-_]?key|key|sslpassword|auth)$/i;

/**
 * A URL with every secret replaced, fit for logs, error messages and labels: the password of the
 * user part, and query-string parameters that carry one (`?password=…`, `?token=…`).
 */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    for (const name of [...parsed.searchParams.keys()]) if (SECRET_PARAMETER.test(name)) parsed.searchParams.set(name, '***');
    return parsed.toString();
  } catch {
    return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@').replace(/([?&](?:password|passwd|pwd|pass|secret|token|key)=)[^&#\s]*/gi, '$1***');
  }
}
