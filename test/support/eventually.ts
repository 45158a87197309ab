/**
 * Polls until `check` returns a value other than undefined (or throws after `timeoutMs`, saying
 * what it waited for; `what` may be a function, read at the timeout, to show the state then).
 */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 15_000, what: string | (() => string) = 'the condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${typeof what === 'function' ? what() : what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
