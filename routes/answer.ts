import type { FastifyReply } from 'fastify'
import { statusOf, type FailureCode } from '../src/errors.js'

interface Answer {
  result: string
  failure?: { code: FailureCode, message: string }
}

/**
 * Sends a protocol answer with the HTTP status its result calls for: `success` → `successStatus`,
 * `confirm` → 409, `failure` → the status of its code.
 */
export function sendAnswer<T extends Answer> (reply: FastifyReply, answer: T, successStatus = 200): FastifyReply {
  const status = answer.result === 'success'
    ? successStatus
    : answer.result === 'confirm' ? 409 : statusOf(answer.failure?.code ?? 'INTERNAL')
  return reply.code(status).send(answer)
}

/** The REST body of a core answer: the coreResponse without its envelope fields. */
export function coreBody<T extends { messageType?: string, requestId?: string }> (answer: T): Omit<T, 'messageType' | 'requestId'> {
  const { messageType, requestId, ...body } = answer
  void messageType
  void requestId
  return body
}
