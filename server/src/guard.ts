/** Runs a handler; a bug is logged where the user can see it and the server carries on. */
export function guard(log: (m: string) => void, what: string, fn: () => void): void {
  try {
    fn();
  } catch (err) {
    log(`[error] ${what}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  }
}

/** The same for handlers with a result: a bug becomes `fallback` and a log line. */
export function guarded<T>(log: (m: string) => void, what: string, fallback: T, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    log(`[error] ${what}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return fallback;
  }
}
