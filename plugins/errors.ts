import fp from 'fastify-plugin'
import type { FastifyError, FastifyInstance } from 'fastify'
import { retryAfterOf, statusOf } from '../src/errors.js'
import { isFailureCode, type Failure, type FailureCode } from '../src/schemas/failures.js'

/** A path that is no route answers UNKNOWN_COMMAND with this status (docs/protocol.md, Failures). */
const NO_ROUTE_STATUS = 404

/** Fixed messages for fastify's own errors: theirs may quote the body (and so a password). */
const FASTIFY_ERRORS: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'the body is not valid JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'the body is empty but content-type is application/json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'the body is too large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported content-type; send application/json',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'content-length does not match the body'
}

/** What a thrown error is on the wire: its code, its status and a message safe to show. */
function classify (err: FastifyError): { code: FailureCode, status: number, message: string, retryAfter?: number } {
  if (err.validation !== undefined) {
    const first = err.validation[0]
    return { code: 'INVALID_MESSAGE', status: statusOf('INVALID_MESSAGE'), message: `${err.validationContext ?? 'request'}${first?.instancePath ?? ''}: ${first?.message ?? 'invalid'}` }
  }
  if (isFailureCode(err.code)) {
    const retryAfter = retryAfterOf(err)
    return { code: err.code, status: statusOf(err.code), message: err.message, ...(retryAfter !== undefined && { retryAfter }) }
  }
  const known = FASTIFY_ERRORS[err.code]
  if (known !== undefined) return { code: 'INVALID_MESSAGE', status: err.statusCode ?? statusOf('INVALID_MESSAGE'), message: known }
  if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500) {
    return { code: 'INVALID_MESSAGE', status: err.statusCode, message: 'the request could not be read' }
  }
  return { code: 'INTERNAL', status: statusOf('INTERNAL'), message: 'internal error; see the server log' }
}

/**
 * One place shapes every failure reply: `{"result":"failure","failure":{"code","message"}}` with
 * the status of its code. Validation errors are INVALID_MESSAGE; anything unexpected is INTERNAL
 * with a fixed message (the details go to the log, never to the client).
 */
export default fp(async function errorsPlugin (app: FastifyInstance) {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const { status, ...failure } = classify(err)
    if (status >= 500 && failure.code !== 'OVERLOADED') request.log.error({ err }, 'request failed')
    else request.log.info({ code: failure.code, status }, 'request refused')
    return reply.fail(failure satisfies Failure, status)
  })

  // A path that is no route: the catalogue's UNKNOWN_COMMAND, with the status HTTP gives it.
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? ''
    return reply.fail({ code: 'UNKNOWN_COMMAND', message: `no route ${request.method} ${path}` }, NO_ROUTE_STATUS)
  })
}, { name: 'errors', dependencies: ['reply'] })
