import createError, { type FastifyErrorConstructor } from '@fastify/error'

/**
 * The failure catalogue (PROTOCOL.md §8). Every failure the server reports carries one of these
 * codes; the HTTP status is what the REST face answers with. The export name is the code, and a
 * test keeps this catalogue, the README table and PROTOCOL.md in step.
 *
 * `@fastify/error` is a standalone package (it does not import fastify), so core code may throw
 * these: `throw new INVALID_STATE('session.ready is not allowed now')`.
 *
 * FAILURE_STATUS is the single table (code → HTTP status) that both the classes and the REST
 * face read.
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
  CTI_UNAVAILABLE: 503,
  INTERNAL: 500
} as const

/** What each code means, for people: the README table and the OpenAPI response descriptions. */
export const FAILURE_MEANING: Record<keyof typeof FAILURE_STATUS, string> = {
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
  RATE_LIMITED: 'too many requests',
  CTI_UNAVAILABLE: 'the telephony platform cannot be reached',
  INTERNAL: 'a bug; details are in the server log, never in the answer'
}

type ProtocolErrorClass = FastifyErrorConstructor<{ code: string }, [string]>

function code (name: keyof typeof FAILURE_STATUS): ProtocolErrorClass {
  return createError(name, '%s', FAILURE_STATUS[name])
}

export const INVALID_MESSAGE = code('INVALID_MESSAGE')
export const UNKNOWN_COMMAND = code('UNKNOWN_COMMAND')
export const UNKNOWN_SERVICE = code('UNKNOWN_SERVICE')
export const UNKNOWN_RESOURCE = code('UNKNOWN_RESOURCE')
export const NOT_BOUND = code('NOT_BOUND')
export const ALREADY_BOUND = code('ALREADY_BOUND')
export const AUTH_FAILED = code('AUTH_FAILED')
export const LOCKED_OUT = code('LOCKED_OUT')
export const UNKNOWN_MODEL = code('UNKNOWN_MODEL')
export const INVALID_TARGET = code('INVALID_TARGET')
export const INVALID_STATE = code('INVALID_STATE')
export const UNSUPPORTED = code('UNSUPPORTED')
export const NOT_ACCEPTING_CLIENTS = code('NOT_ACCEPTING_CLIENTS')
export const RATE_LIMITED = code('RATE_LIMITED')
export const CTI_UNAVAILABLE = code('CTI_UNAVAILABLE')
export const INTERNAL = code('INTERNAL')

export type FailureCode = keyof typeof FAILURE_STATUS

/** A failure as it travels on the wire: a catalogued code and a message for people. */
export interface Failure {
  code: FailureCode
  message: string
}

export function isFailureCode (value: unknown): value is FailureCode {
  return typeof value === 'string' && Object.hasOwn(FAILURE_STATUS, value)
}

/** HTTP status for a failure code (the REST face's mapping). */
export function statusOf (code: FailureCode): number {
  return FAILURE_STATUS[code]
}

/**
 * Turns anything thrown into a wire failure. Catalogued errors keep their code and message;
 * anything else becomes INTERNAL with a fixed message, so no stack trace or internal detail
 * ever reaches a client.
 */
export function toFailure (err: unknown): Failure {
  if (err instanceof Error && isFailureCode((err as { code?: unknown }).code)) {
    return { code: (err as unknown as { code: FailureCode }).code, message: err.message }
  }
  return { code: 'INTERNAL', message: 'internal error; see the server log' }
}
