import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { statusOf } from '../src/errors.js'
import type { Failure } from '../src/schemas/failures.js'
import { ANSWER_STATUS } from '../src/schemas/rest.schema.js'

/** A protocol answer as the REST face sends it (success, confirm or failure). */
export interface Answer {
  result: string
  failure?: Failure
  [member: string]: unknown
}

declare module 'fastify' {
  interface FastifyReply {
    /**
     * Sends a protocol answer with the HTTP status its result calls for: success →
     * `successStatus` (200), confirm → 409, failure → its code's status (or `status`, for a
     * request fastify itself refused: 413, 415 …).
     */
    answer: (answer: Answer, successStatus?: number) => FastifyReply
    /** Sends a core answer (a coreResponse) as REST does: without its envelope fields. */
    answerCore: (answer: Answer & { messageType?: string, requestId?: string }) => FastifyReply
    /** Sends `{"result":"failure","failure":{code, message}}` (the error handler's reply). */
    fail: (failure: Failure, status?: number) => FastifyReply
  }
}

/** The one way every REST answer and failure reply is sent (routes and the error handler). */
export default fp(async function replyPlugin (app: FastifyInstance) {
  app.decorateReply('answer', function answer (this: FastifyReply, body: Answer, successStatus: number = ANSWER_STATUS.success) {
    const status = body.result === 'success'
      ? successStatus
      : body.result === 'confirm' ? ANSWER_STATUS.confirm : statusOf(body.failure?.code ?? 'INTERNAL')
    if (body.failure?.retryAfter !== undefined) this.header('retry-after', body.failure.retryAfter)
    return this.code(status).send(body)
  })
  app.decorateReply('answerCore', function answerCore (this: FastifyReply, { messageType: _type, requestId: _id, ...body }: Answer) {
    return this.answer(body)
  })
  app.decorateReply('fail', function fail (this: FastifyReply, failure: Failure, status = statusOf(failure.code)) {
    if (failure.retryAfter !== undefined) this.header('retry-after', failure.retryAfter)
    return this.code(status).send({ result: 'failure', failure })
  })
}, { name: 'reply' })
