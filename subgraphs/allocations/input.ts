import { badUserInput } from '../shared/errors.js';

/** The longest id or search text a client may send: ids here are well under it. */
export const MAX_TEXT_LENGTH = 200;

/**
 * A string argument a client controls, checked before it reaches the database: Postgres text
 * cannot hold a NUL byte (it would fail as an internal error), and its length is bounded.
 */
export function readText(value: string, argument: string): string {
  if (value.includes('\u0000')) throw badUserInput(`${argument} must not contain a NUL character`, argument);
  if (value.length > MAX_TEXT_LENGTH) throw badUserInput(`${argument} is longer than ${MAX_TEXT_LENGTH} characters`, argument);
  return value;
}

/** An ISO 3166-1 alpha-2 country code, upper-cased. */
export function readCountry(value: string, argument: string): string {
  const country = readText(value, argument).trim().toUpperCase();
  if (!/^[A-Z]{2}$/.test(country)) throw badUserInput(`${argument} must be an ISO 3166-1 alpha-2 country code such as FR, got "${value}"`, argument);
  return country;
}
