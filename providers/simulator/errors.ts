/** The simulator's API errors: an HTTP status with a JSON { error: { code, message } } body. */
import type { ApiErrorBody } from '../api.js';

/** An error the simulator answers with its HTTP status and a JSON body `{ error: { code, message } }`. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }

  body(): ApiErrorBody {
    return { error: { code: this.code, message: this.message } };
  }
}

export const badRequest = (message: string, code = 'bad_request') => new ApiError(400, code, message);
export const notFound = (message: string) => new ApiError(404, 'not_found', message);
