/** Test helper counting answers that crossed from one caller to another under concurrent load (the CROSSABLE query). */
import { postJson } from './http.js';

/**
 * A query whose answer depends on who asks: a number's status (ASSIGNED to the tenant holding
 * it, UNAVAILABLE to everyone else) and an order (its tenant's only), on the same subgraph.
 */
export const CROSSABLE = 'query($e164: String!, $order: ID!) { number(e164: $e164) { status holder { id } } order(id: $order) { id status } }';

/** One caller: a name for messages, and the headers (its API key) it sends. */
export interface Caller {
  name: string;
  headers: Record<string, string>;
}

export interface CrossedAnswers {
  /** The answer each caller gets when it asks alone (JSON), by caller name. */
  alone: Record<string, string>;
  /** Requests sent under load, and how many of them were answered with another caller's answer. */
  sent: number;
  crossed: number;
  /** The first few crossed answers, for the failure message. */
  examples: { caller: string; got: string }[];
}

/**
 * Asks `body` as each caller alone first (what each is entitled to), then `total` times under
 * `concurrency`, the callers taking turns, and counts every answer that differs from what its
 * caller got alone: an answer that crossed over from another caller through something shared
 * between requests (merged subgraph fetches, a cache keyed without the caller).
 */
export async function crossedAnswers(url: string, callers: Caller[], body: unknown, total: number, concurrency: number): Promise<CrossedAnswers> {
  const ask = async (caller: Caller) => JSON.stringify(await (await postJson(url, body, caller.headers)).json());
  const alone: Record<string, string> = {};
  for (const caller of callers) alone[caller.name] = await ask(caller);
  let next = 0;
  let crossed = 0;
  const examples: { caller: string; got: string }[] = [];
  const worker = async () => {
    for (let i = next++; i < total; i = next++) {
      const caller = callers[i % callers.length]!;
      const got = await ask(caller);
      if (got !== alone[caller.name]) {
        crossed += 1;
        if (examples.length < 3) examples.push({ caller: caller.name, got });
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { alone, sent: total, crossed, examples };
}
