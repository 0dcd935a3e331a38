/**
 * Waits until `condition` holds, checking every few milliseconds, for what happens on real
 * sockets and in other processes (never for simulated time: that is the manual clock's). Fails
 * after `timeoutMs` with `what`, so a broken server fails the test instead of hanging it. The
 * bound is generous (two test files run at once on two cores: a busy neighbour can hold the CPU
 * for seconds); it only delays a failure, never a pass.
 */
export async function waitFor (condition: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const start = Date.now()
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`${what} not met in ${timeoutMs} ms`)
    await new Promise(resolve => setTimeout(resolve, 5))
  }
}
