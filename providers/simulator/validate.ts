import { API_LIMITS, CAPABILITIES, type Capability } from '../api.js';
import { badRequest } from './errors.js';

/**
 * Checks on request bodies: every list and string a caller sends has a bound, and a bad value
 * is a 400 that names the field and says what was wrong.
 */
export type Body = Record<string, unknown>;

export function asObject(value: unknown, what = 'request body'): Body {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw badRequest(`${what} must be a JSON object`);
  return value as Body;
}

export function onlyFields(body: Body, allowed: readonly string[]): void {
  const unknown = Object.keys(body).filter((k) => !allowed.includes(k));
  if (unknown.length > 0) throw badRequest(`unknown field(s) ${unknown.join(', ')}; allowed: ${allowed.join(', ')}`);
}

export function optionalString(body: Body, field: string, pattern: RegExp, hint: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length > API_LIMITS.maxStringLength || !pattern.test(value)) {
    throw badRequest(`${field} must be ${hint} (at most ${API_LIMITS.maxStringLength} characters)`);
  }
  return value;
}

export function requiredString(body: Body, field: string, pattern: RegExp, hint: string): string {
  const value = optionalString(body, field, pattern, hint);
  if (value === undefined) throw badRequest(`${field} is required`);
  return value;
}

export function optionalInt(body: Body, field: string, min: number, max: number): number | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw badRequest(`${field} must be a whole number from ${min} to ${max}`);
  }
  return value;
}

export function requiredInt(body: Body, field: string, min: number, max: number): number {
  const value = optionalInt(body, field, min, max);
  if (value === undefined) throw badRequest(`${field} is required`);
  return value;
}

const E164 = /^\+[1-9]\d{6,14}$/;

/** A non-empty list of distinct E.164 numbers, at most `max`. */
export function numberList(body: Body, max: number, code = 'bad_request'): string[] {
  const value = body.numbers;
  if (!Array.isArray(value) || value.length === 0) throw badRequest('numbers must be a non-empty list of E.164 numbers');
  if (value.length > max) throw badRequest(`numbers has ${value.length} entries; at most ${max} per call`, code);
  const seen = new Set<string>();
  for (const item of value) {
    if (typeof item !== 'string' || !E164.test(item)) throw badRequest(`numbers: "${String(item).slice(0, 20)}" is not an E.164 number like +447700900123`);
    if (seen.has(item)) throw badRequest(`numbers: ${item} is listed twice`);
    seen.add(item);
  }
  return value as string[];
}

export function capabilityList(body: Body): Capability[] | undefined {
  const value = body.capabilities;
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.length > CAPABILITIES.length || !value.every((c) => CAPABILITIES.includes(c as Capability))) {
    throw badRequest(`capabilities must be a list of ${CAPABILITIES.join(', ')}`);
  }
  return value as Capability[];
}

/** A caller's reference: what holds a reservation and places an order. */
export const REFERENCE = /^[A-Za-z0-9._:@-]{1,64}$/;
