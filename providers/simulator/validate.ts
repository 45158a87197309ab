/** Request bodies parsed with the provider API's zod schemas (providers/api-schema.ts): a bad one is a 400 naming each bad field. */
import type { z } from 'zod';
import { describeIssues } from '../api-schema.js';
import { badRequest } from './errors.js';

export { REFERENCE } from '../api-schema.js';

/** The body as `schema` takes it, or a 400 whose message names the issue's path and what was wrong. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown, what = 'request body'): z.output<S> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw badRequest(describeIssues(parsed.error, what));
  return parsed.data;
}
