import { pino, type DestinationStream, type Logger as PinoLogger, type LoggerOptions } from 'pino'
import type { Config } from './config.js'

/** Query parameters that carry secrets (EventSource cannot send headers, so tokens ride here). */
const SECRET_QUERY = /([?&](?:token|access_token|password)=)[^&#]*/gi

/** A URL fit for a log line: secret query values replaced. */
export function redactUrl (url: string | undefined): string | undefined {
  return url?.replace(SECRET_QUERY, '$1[redacted]')
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
 * with secrets removed by serializer and by redaction paths, so neither a password nor a token
 * can reach a log line.
 */
export function loggerOptions (config: Pick<Config, 'LOG_LEVEL' | 'LOG_FORMAT'>, isTTY = process.stdout.isTTY === true): LoggerOptions {
  const pretty = config.LOG_FORMAT === 'pretty' || (config.LOG_FORMAT === 'auto' && isTTY)
  return {
    level: config.LOG_LEVEL,
    redact: {
      paths: [
        'req.headers.authorization', 'req.headers.cookie', 'headers.authorization',
        'password', '*.password', '*.*.password', 'token', '*.token', '*.*.token'
      ],
      censor: '[redacted]'
    },
    serializers: {
      req: (req: LoggableRequest) => ({
        method: req.method,
        url: redactUrl(req.url),
        host: req.host,
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
