/**
 * Polls `probe` until it returns a value that satisfies `accept` (default: truthy), or fails with the
 * last value seen once `timeoutMs` has passed. Tests synchronise on observable state, never on sleeps.
 */
export async function pollUntil<T>(
  probe: () => Promise<T> | T,
  options: { timeoutMs: number; intervalMs?: number; accept?: (value: T) => boolean; description?: string },
): Promise<T> {
  const accept = options.accept ?? ((value: T) => Boolean(value));
  const deadline = Date.now() + options.timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      last = await probe();
      if (accept(last)) return last;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const seen = lastError ? `last error: ${(lastError as Error).message}` : `last value: ${JSON.stringify(last)}`;
      throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${options.description ?? 'condition'} (${seen})`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 50));
  }
}
