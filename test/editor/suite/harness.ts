/** A tiny sequential test harness for the extension host (no mocha): named steps, polling with deadlines. */
export interface Step {
  readonly name: string;
  readonly run: () => Promise<void>;
}

/** Polls `probe` until it returns a value other than undefined; fails with `what` after `ms`. */
export async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) throw new Error(`within ${ms} ms, never: ${what}${lastError ? ` (last error: ${lastError instanceof Error ? lastError.message : JSON.stringify(lastError)})` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function runSteps(title: string, steps: readonly Step[]): Promise<void> {
  const failures: string[] = [];
  console.log(`${title}: ${steps.length} steps`);
  for (const step of steps) {
    const started = Date.now();
    try {
      await step.run();
      console.log(`  ✔ ${step.name} (${Date.now() - started} ms)`);
    } catch (e) {
      failures.push(step.name);
      console.error(`  ✘ ${step.name}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    }
  }
  console.log(`${title}: ${steps.length - failures.length} passed, ${failures.length} failed`);
  if (failures.length > 0) throw new Error(`${failures.length} failed: ${failures.join('; ')}`);
}
