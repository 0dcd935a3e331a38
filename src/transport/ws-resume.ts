import { Type } from '@sinclair/typebox'
import { INVALID_STATE, toFailure } from '../errors.js'
import type { ClientRecord, ClientRegistry } from '../core/client.js'
import { compileCheck } from '../core/check.js'
import { requestIdOf } from '../core/dispatcher.js'
import type { Presence } from '../core/presence.js'
import type { CoreResponse } from '../schemas/protocol.schema.js'

const resumeRequest = compileCheck(Type.Object({
  messageType: Type.Literal('coreRequest'),
  requestId: Type.Optional(Type.String({ maxLength: 128 })),
  command: Type.Literal('resume'),
  clientId: Type.String({ minLength: 1, maxLength: 256 }),
  token: Type.String({ minLength: 1, maxLength: 256 }),
  lastEventId: Type.Optional(Type.Integer({ minimum: 0 }))
}))

/** Whether a message is a `resume` request (checked fully by `resume`). */
export function isResume (message: unknown): boolean {
  return message !== null && typeof message === 'object' && Reflect.get(message, 'messageType') === 'coreRequest' &&
    Reflect.get(message, 'command') === 'resume'
}

export type ResumeResult =
  | { ok: true, client: ClientRecord, after: number, answer: CoreResponse }
  | { ok: false, answer: CoreResponse }

/**
 * [extension] `{"messageType":"coreRequest","command":"resume","clientId","token","lastEventId"}`
 * (docs/protocol.md, Resume): a socket takes back an earlier client record (from POST /clients, or
 * a socket that dropped) and is sent its outbox after `lastEventId` (default: what it was last
 * sent). It must come before the socket binds or prepares anything: a record this socket opened
 * itself (`current`, `provisional`) is dropped, and may hold nothing.
 */
export function resume (clients: ClientRegistry, presence: Presence, current: ClientRecord | undefined, provisional: boolean, message: unknown): ResumeResult {
  const requestId = requestIdOf(message)
  const answer: CoreResponse = { messageType: 'coreResponse', ...(requestId !== undefined && { requestId }), command: 'resume', result: 'success' }
  try {
    const { clientId, token, lastEventId } = resumeRequest.parse(message)
    const client = clients.resume(clientId, token)
    if (current !== undefined && current !== client) {
      if (presence.holdsState(current)) throw new INVALID_STATE('resume must come before this socket binds or prepares anything')
      if (provisional) {
        current.transport = undefined
        clients.remove(current)
      }
    }
    const after = lastEventId ?? client.outbox.delivered
    return { ok: true, client, after, answer: { ...answer, clientId: client.id, data: { lastEventId: after, latest: client.outbox.latest } } }
  } catch (err) {
    return { ok: false, answer: { ...answer, result: 'failure', failure: toFailure(err) } }
  }
}
