import { pino, type DestinationStream, type Logger as PinoLogger, type LoggerOptions } from 'pino'
import type { Config } from './config.js'
import { isSecretName, redactJsonLine } from './core/redact.js'

/**
 * One query parameter: its key, and its value up to the next `&` or `#`. Only `&` separates
 * parameters (as fastify's query parser reads them: a `;` is part of the value).
 */
const QUERY_PARAM = /([?&])([^=&#]*)(=[^&#]*)?/g

/** The longest Host (or Origin, user agent …) a log line carries: a header is the client's to make as long as node lets it. */
export const MAX_LOGGED_HEADER = 200

/** A client-controlled text cut to what a log line needs. */
export function forLog (text: string | undefined): string | undefined {
  return text === undefined || text.length <= MAX_LOGGED_HEADER ? text : `${text.slice(0, MAX_LOGGED_HEADER)}…`
}

/**
 * A URL fit for a log line: the value of every query parameter with a secret name replaced
 * (EventSource cannot send headers, so tokens ride in `?token=`). Keys are decoded first, so
 * `?to%6Ben=` is `token` too, and a key that does not decode is taken for a secret.
 */
export function redactUrl (url: string | undefined): string | undefined {
  if (url?.includes('?') !== true) return url
  const at = url.indexOf('?')
  return url.slice(0, at) + url.slice(at).replace(QUERY_PARAM, (whole: string, sep: string, key: string, value: string | undefined) => {
    if (value === undefined) return whole
    let name: string
    try {
      name = decodeURIComponent(key.replace(/\+/g, ' '))
    } catch {
      return `${sep}${key}=[redacted]`
    }
    return isSecretName(name.trim()) ? `${sep}${key}=[redacted]` : whole
  })
}

interface LoggableRequest {
  method?: string
  url?: string
  host?: string
  ip?: string
  socket?: { remotePort?: number }
}

/**
 * pino options for the server: structured JSON lines (pretty only on a terminal, or when asked),
 * with secrets removed by the request serializer (query strings) and from every written line, so
 * neither a password nor a token can reach a log line.
 */
export function loggerOptions (config: Pick<Config, 'LOG_LEVEL' | 'LOG_FORMAT'>, isTTY = process.stdout.isTTY === true): LoggerOptions {
  const pretty = config.LOG_FORMAT === 'pretty' || (config.LOG_FORMAT === 'auto' && isTTY)
  return {
    level: config.LOG_LEVEL,
    // Every line is scanned for secret-named members (`password`, `token`, `authorization` …) at
    // any depth, after serialization: nothing a serializer, a binding or an error adds escapes it.
    // (pino's wildcard redaction paths did this for three levels only, and made every child
    // logger, one per request, five times dearer: BENCHMARKS.md.)
    hooks: { streamWrite: redactJsonLine },
    serializers: {
      req: (req: LoggableRequest) => ({
        method: req.method,
        url: redactUrl(req.url),
        host: forLog(req.host),
        remoteAddress: req.ip,
        remotePort: req.socket?.remotePort
      })
    },
    ...(pretty && { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } } })
  }
}

export function createLogger (config: Pick<Config, 'LOG_LEVEL' | 'LOG_FORMAT'>, destination?: DestinationStream): PinoLogger {
  const options = loggerOptions(config, destination === undefined ? undefined : false)
  return destination === undefined ? pino(options) : pino(options, destination)
}
