/** Validation of key and operation store input (tenant ids, roles, key names), with InvalidInput errors that say what was wrong. */
import { ROLES, type Role } from '../../contracts/identity.js';

/** Input to the key or operation stores that its author can correct; the message says what was wrong. */
export class InvalidInput extends Error {
  override name = 'InvalidInput';
}

/** Tenant ids are short, lowercase and URL- and log-safe: they appear in keys' lists, logs and metrics labels. */
const TENANT = /^[a-z0-9][a-z0-9-]{0,62}$/;
const NAME_MAX = 200;

/** Shows at most a few dozen characters of a rejected value, so an error never echoes a megabyte. */
export function quote(value: string): string {
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
}

export function parseTenant(value: string): string {
  if (!TENANT.test(value)) {
    throw new InvalidInput(`tenant must be 1 to 63 characters of a-z, 0-9 and "-", starting with a letter or digit; got ${quote(value)}`);
  }
  return value;
}

export function parseRole(value: string): Role {
  if (!(ROLES as readonly string[]).includes(value)) throw new InvalidInput(`role must be one of ${ROLES.join(', ')}; got ${quote(value)}`);
  return value as Role;
}

/** A key's label for people: bounded, printable, one line. */
export function parseKeyName(value: string): string {
  const name = value.trim();
  if (name.length === 0 || name.length > NAME_MAX) throw new InvalidInput(`name must be 1 to ${NAME_MAX} characters; got ${name.length}`);
  if (/\p{Cc}/u.test(name)) throw new InvalidInput('name must not contain control characters (tabs, line breaks)');
  return name;
}
