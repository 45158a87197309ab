// The one way every subgraph reads a client's text and country arguments, with one BAD_USER_INPUT message format naming the argument.
import { badUserInput, quotedInput } from '../contracts/errors.js';

/** The longest id or free text a client may send when the argument sets no bound of its own. */
export const MAX_TEXT_LENGTH = 200;

/** Bounds of one text argument; min 0 allows the empty string. */
export interface TextBounds {
  min?: number;
  max?: number;
}

// C0 control characters: Postgres text cannot hold NUL (the insert or lookup would fail as an
// internal error), and no id, name or place a provider takes has a tab, newline or escape.
const CONTROL = /[\u0000-\u001f]/;

/**
 * A string argument a client controls, checked before it reaches the database or a provider:
 * bounded in length and free of control characters. `argument` is its path in the operation
 * (`filter.nameContains`, `input.region`): the message starts with it and it is the error's
 * argumentName.
 */
export function readText(value: string, argument: string, { min = 0, max = MAX_TEXT_LENGTH }: TextBounds = {}): string {
  const control = value.search(CONTROL);
  if (value.length >= min && value.length <= max && control < 0) return value;
  const range = min === 0 ? `at most ${max}` : `${min} to ${max}`;
  const got = control >= 0 ? `a control character at position ${control}` : `${value.length} characters`;
  throw badUserInput(`${argument} must be ${range} characters without control characters, got ${got}`, argument);
}

/** An ISO 3166-1 alpha-2 country code from a client, trimmed and upper-cased. */
export function readCountry(value: string, argument: string): string {
  const country = value.trim().toUpperCase();
  if (!/^[A-Z]{2}$/.test(country)) throw badUserInput(`${argument} must be an ISO 3166-1 alpha-2 country code such as GB, got "${quotedInput(value)}"`, argument);
  return country;
}
