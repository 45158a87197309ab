/**
 * Configuration errors and redaction. Variables are read through the one schema
 * (settings-schema.ts); bad values fail fast with a message that names the variable, so a typo
 * in a deployment is caught at start, not at the first query.
 */
export class ConfigError extends Error {
  override name = 'ConfigError';
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
