// Waiting on an event in tests that cannot be told of it (a watch re-opened, a log line written).

/**
 * Polls `condition` until it holds. The deadline only turns a hang into a message naming `what`;
 * it is no time budget (a busy 2-core machine may take long, the test still waits for the event).
 */
export async function until(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 30_000,
  everyMs = 10,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
