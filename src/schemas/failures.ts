import { Type, type Static } from '@sinclair/typebox'
import { literalUnion } from './vocabulary.js'

/**
 * The failure catalogue (docs/protocol.md, Failures). Every failure the server reports carries
 * one of these codes; the HTTP status is what the REST face answers with. The error classes of
 * src/errors.ts are made from it (export name = code), and a test keeps this catalogue, the README
 * table and docs/protocol.md in step.
 *
 * FAILURE_STATUS is the single table (code → HTTP status) that the classes, the REST face and the
 * OpenAPI responses read.
 */
export const FAILURE_STATUS = {
  INVALID_MESSAGE: 400,
  UNKNOWN_COMMAND: 400,
  UNKNOWN_SERVICE: 404,
  UNKNOWN_RESOURCE: 404,
  NOT_BOUND: 403,
  ALREADY_BOUND: 409,
  AUTH_FAILED: 401,
  LOCKED_OUT: 403,
  UNKNOWN_MODEL: 400,
  INVALID_TARGET: 404,
  INVALID_STATE: 409,
  UNSUPPORTED: 422,
  NOT_ACCEPTING_CLIENTS: 503,
  RATE_LIMITED: 429,
  OVERLOADED: 503,
  CTI_UNAVAILABLE: 503,
  TIMEOUT: 504,
  DOMAIN_UNAVAILABLE: 503,
  INTERNAL: 500
} as const

/** What each code means, for people: the README table and the OpenAPI response descriptions. */
export const FAILURE_MEANING: Record<FailureCode, string> = {
  INVALID_MESSAGE: 'wrong shape, type or value; not JSON (413 too large, 415 not JSON)',
  UNKNOWN_COMMAND: 'no such command (or route: 404)',
  UNKNOWN_SERVICE: 'no such service',
  UNKNOWN_RESOURCE: 'no such resource',
  NOT_BOUND: 'bind the service or resource first',
  ALREADY_BOUND: 'the resource is bound by, or belongs to, another client',
  AUTH_FAILED: 'bad agent credentials, or a missing / wrong client token',
  LOCKED_OUT: 'too many failed logins; try later',
  UNKNOWN_MODEL: 'no call model of that name',
  INVALID_TARGET: 'the target does not exist, or is the wrong kind for the command',
  INVALID_STATE: 'the current state does not allow it (the button is disabled)',
  UNSUPPORTED: 'the CTI cannot do it',
  NOT_ACCEPTING_CLIENTS: 'the instance is full or shutting down',
  RATE_LIMITED: 'too many requests, logins or connections from this source; retry after `retryAfter` seconds',
  OVERLOADED: 'the instance is past its event-loop or memory limit; retry after `retryAfter` seconds',
  CTI_UNAVAILABLE: 'the telephony platform cannot be reached',
  TIMEOUT: 'the telephony platform did not answer in time (`CTI_REQUEST_TIMEOUT_MS`); the request may still take effect, the events will say',
  DOMAIN_UNAVAILABLE: 'the instance domain (Redis) cannot be reached: new logins and takeovers wait for it, sessions already running carry on',
  INTERNAL: 'a bug; details are in the server log, never in the answer'
}

export type FailureCode = keyof typeof FAILURE_STATUS

export function isFailureCode (value: unknown): value is FailureCode {
  return typeof value === 'string' && Object.hasOwn(FAILURE_STATUS, value)
}

export const FAILURE_CODE_LIST = Object.keys(FAILURE_STATUS).filter(isFailureCode)

export const FailureSchema = Type.Object({
  code: literalUnion(FAILURE_CODE_LIST, { description: 'a code from the failure catalogue (docs/protocol.md, Failures)' }),
  message: Type.String({ description: 'for people; never carries a secret or a stack trace' }),
  retryAfter: Type.Optional(Type.Integer({ minimum: 1, description: 'seconds to wait before trying again (RATE_LIMITED, OVERLOADED; REST sends it as Retry-After too)' }))
}, { $id: 'Failure', additionalProperties: false, examples: [{ code: 'INVALID_STATE', message: 'session.ready is not enabled now (view state ready)' }] })
/** A failure as it travels on the wire: a catalogued code and a message for people. */
export type Failure = Static<typeof FailureSchema>

/** Every REST failure body: the HIS result form. */
export const FailureAnswerSchema = Type.Object({
  command: Type.Optional(Type.String()),
  result: Type.Literal('failure'),
  failure: Type.Ref(FailureSchema),
  original: Type.Optional(Type.Unknown({ description: 'the request, with any password removed' }))
}, {
  $id: 'FailureAnswer',
  additionalProperties: true,
  examples: [{
    command: 'session.ready',
    result: 'failure',
    failure: { code: 'INVALID_STATE', message: 'session.ready is not enabled now (view state ready)' },
    original: { command: 'session.ready' }
  }]
})
export type FailureAnswer = Static<typeof FailureAnswerSchema>
