/** Talking to a GraphQL endpoint over HTTP as a client does; no test runner needed (bench uses it too). */

export interface GraphQLResult<Data = Record<string, any>> {
  data?: Data | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

/** POSTs an operation to a GraphQL endpoint as a browser client would (CSRF preflight header). */
export async function postGraphQL<Data = Record<string, any>>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  headers?: Record<string, string>,
): Promise<GraphQLResult<Data>> {
  return (await postGraphQLRaw(url, query, variables, headers).then((r) => r.json())) as GraphQLResult<Data>;
}

export function postGraphQLRaw(url: string, query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<Response> {
  return postJson(url, { query, variables }, headers);
}

/** POSTs any JSON body (persisted operation ids, batches, …) with the preflight header. */
export function postJson(url: string, body: unknown, headers?: Record<string, string>): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'apollo-require-preflight': 'true', ...headers },
    body: JSON.stringify(body),
  });
}
