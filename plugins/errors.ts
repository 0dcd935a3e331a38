import fp from 'fastify-plugin'
import type { FastifyError, FastifyInstance } from 'fastify'
import { isFailureCode, statusOf, type FailureCode } from '../src/errors.js'

/** Fixed messages for fastify's own errors: theirs may quote the body (and so a password). */
const FASTIFY_ERRORS: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'the body is not valid JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'the body is empty but content-type is application/json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'the body is too large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported content-type; send application/json',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'content-length does not match the body'
}

/**
 * One place shapes every failure reply: `{"result":"failure","failure":{"code","message"}}` with
 * the status of its code. Validation errors are INVALID_MESSAGE; anything unexpected is INTERNAL
 * with a fixed message (the details go to the log, never to the client).
 */
export default fp(async function errorsPlugin (app: FastifyInstance) {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    let code: FailureCode
    let status: number
    let message: string
    if (err.validation !== undefined) {
      code = 'INVALID_MESSAGE'
      status = 400
      message = `${err.validationContext ?? 'request'}${err.validation[0]?.instancePath ?? ''}: ${err.validation[0]?.message ?? 'invalid'}`
    } else if (isFailureCode(err.code)) {
      code = err.code
      status = statusOf(code)
      message = err.message
    } else if (err.code !== undefined && FASTIFY_ERRORS[err.code] !== undefined) {
      code = 'INVALID_MESSAGE'
      status = err.statusCode ?? 400
      message = FASTIFY_ERRORS[err.code] as string
    } else if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500) {
      code = 'INVALID_MESSAGE'
      status = err.statusCode
      message = 'the request could not be read'
    } else {
      code = 'INTERNAL'
      status = 500
      message = 'internal error; see the server log'
    }
    if (status >= 500) request.log.error({ err }, 'request failed')
    else request.log.info({ code, status }, 'request refused')
    return reply.code(status).send({ result: 'failure', failure: { code, message } })
  })

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0]
    return reply.code(404).send({
      result: 'failure',
      failure: { code: 'UNKNOWN_COMMAND', message: `no route ${request.method} ${path}` }
    })
  })
}, { name: 'errors' })
