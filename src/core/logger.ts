/**
 * The logging surface core code needs. A pino logger satisfies it; core never imports a logging
 * library, it is handed one.
 */
export interface Logger {
  error: LogFn
  warn: LogFn
  info: LogFn
  debug: LogFn
  child: (bindings: Record<string, unknown>) => Logger
}

type LogFn = (obj: Record<string, unknown>, msg?: string) => void

/** A logger that drops everything (tools and tests that do not care). */
export const silentLogger: Logger = {
  error: () => {},
  warn: () => {},
  info: () => {},
  debug: () => {},
  child: () => silentLogger
}
