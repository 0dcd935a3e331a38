import createError, { type FastifyErrorConstructor } from '@fastify/error'

import { FAILURE_STATUS, isFailureCode, type Failure, type FailureCode } from './schemas/failures.js'

/**
 * The error classes of the failure catalogue (src/schemas/failures.ts): one per code, named by
 * it, with its HTTP status. `@fastify/error` is a standalone package (it does not import
 * fastify), so core code may throw these: `throw new INVALID_STATE('session.ready is not allowed now')`.
 */
type ProtocolErrorClass = FastifyErrorConstructor<{ code: string }, [string]>

function code (name: FailureCode): ProtocolErrorClass {
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
export const OVERLOADED = code('OVERLOADED')
export const CTI_UNAVAILABLE = code('CTI_UNAVAILABLE')
export const TIMEOUT = code('TIMEOUT')
export const DOMAIN_UNAVAILABLE = code('DOMAIN_UNAVAILABLE')
export const INTERNAL = code('INTERNAL')

/** Every class by its code (a failure that crossed a process boundary, thrown again here). */
export const ERROR_CLASSES: Record<FailureCode, ProtocolErrorClass> = {
  INVALID_MESSAGE,
  UNKNOWN_COMMAND,
  UNKNOWN_SERVICE,
  UNKNOWN_RESOURCE,
  NOT_BOUND,
  ALREADY_BOUND,
  AUTH_FAILED,
  LOCKED_OUT,
  UNKNOWN_MODEL,
  INVALID_TARGET,
  INVALID_STATE,
  UNSUPPORTED,
  NOT_ACCEPTING_CLIENTS,
  RATE_LIMITED,
  OVERLOADED,
  CTI_UNAVAILABLE,
  TIMEOUT,
  DOMAIN_UNAVAILABLE,
  INTERNAL
}

/** HTTP status for a failure code (the REST face's mapping). */
export function statusOf (code: FailureCode): number {
  return FAILURE_STATUS[code]
}

/**
 * RATE_LIMITED that says when to come back: `retryAfter` (whole seconds, at least 1) travels in
 * the failure, and the REST face sends it as Retry-After.
 */
export function rateLimited (message: string, waitMs: number): Error {
  return withRetryAfter(new RATE_LIMITED(message), waitMs)
}

/** `err` with the seconds a client should wait before it tries again. */
export function withRetryAfter<E extends Error> (err: E, waitMs: number): E {
  Object.defineProperty(err, 'retryAfter', { value: Math.max(1, Math.ceil(waitMs / 1000)), enumerable: true })
  return err
}

/** The seconds to wait that an error carries, if any. */
export function retryAfterOf (err: unknown): number | undefined {
  const value: unknown = err instanceof Error ? Reflect.get(err, 'retryAfter') : undefined
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined
}

/**
 * Turns anything thrown into a wire failure. Catalogued errors keep their code and message;
 * anything else becomes INTERNAL with a fixed message, so no stack trace or internal detail
 * ever reaches a client.
 */
export function toFailure (err: unknown): Failure {
  const code: unknown = err instanceof Error ? Reflect.get(err, 'code') : undefined
  if (err instanceof Error && isFailureCode(code)) {
    const retryAfter = retryAfterOf(err)
    return retryAfter === undefined ? { code, message: err.message } : { code, message: err.message, retryAfter }
  }
  return { code: 'INTERNAL', message: 'internal error; see the server log' }
}

/** What went wrong, for a log line or a start-up message (anything can be thrown). */
export function messageOf (err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
