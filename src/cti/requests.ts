import { TypeCompiler } from '@sinclair/typebox/compiler'
import { SESSION_COMMANDS, SESSION_REQUESTS, type SessionCommand } from '../schemas/session-requests.schema.js'
import type { CtiRequest } from './port.js'

const FIELD_CHECKS = new Map(SESSION_COMMANDS.map(command => [command, TypeCompiler.Compile(SESSION_REQUESTS[command].fields)]))

/** Whether a request's data are what its command takes: the one check of session request data (the processor's, and a connector's). */
export function isCtiRequest<R extends { command: SessionCommand, data: unknown }> (request: R): request is R & CtiRequest {
  return FIELD_CHECKS.get(request.command)?.Check(request.data) === true
}

/** What is wrong with a command's data, for the failure's message. */
export function fieldsProblem (command: SessionCommand, data: unknown): string {
  const first = FIELD_CHECKS.get(command)?.Errors(data).First()
  return `${command} data${first === undefined || first.path === '' ? '' : first.path}: ${first?.message ?? 'invalid'}`
}
