/**
 * Waits until `condition` holds, checking every few milliseconds, for what happens on real
 * sockets and in other processes (never for simulated time: that is the manual clock's). Fails
 * after `timeoutMs` with `what`, so a broken server fails the test instead of hanging it.
 */
export async function waitFor (condition: () => boolean, timeoutMs = 2000, what = 'condition'): Promise<void> {
  const start = Date.now()
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`${what} not met in ${timeoutMs} ms`)
    await new Promise(resolve => setTimeout(resolve, 5))
  }
}
