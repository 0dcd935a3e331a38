/**
 * Targets: the path of the object a session request acts on and an event is about
 * (docs/protocol.md, Targets): `<sessionId>[.<channelId>[.<interactionId>[.<conversationId>]]]`.
 * Ids never contain a dot (IdSchema, AgentIdSchema), so the depth of a path is its scope. This
 * module is the one place that reads and writes them.
 */
export const TARGET_SCOPES = ['session', 'channel', 'interaction', 'conversation'] as const
export type TargetScope = typeof TARGET_SCOPES[number]

/** The ids a target names, one more for each scope below the session. */
export type TargetIds =
  | { scope: 'session', sessionId: string }
  | { scope: 'channel', sessionId: string, channelId: string }
  | { scope: 'interaction', sessionId: string, channelId: string, interactionId: string }
  | { scope: 'conversation', sessionId: string, channelId: string, interactionId: string, conversationId: string }

/** The ids below the session, as events and CTI requests carry them. */
export interface TargetParts {
  channelId?: string
  interactionId?: string
  conversationId?: string
}

/**
 * Reads a target path; undefined when it is not one (empty, an empty part, more than four
 * parts). Whether the objects exist is for the session to say.
 */
export function parseTarget (target: string): TargetIds | undefined {
  const [sessionId, channelId, interactionId, conversationId, ...more] = target.split('.')
  if (sessionId === undefined || sessionId === '' || more.length > 0) return undefined
  if (channelId === undefined) return { scope: 'session', sessionId }
  if (channelId === '') return undefined
  if (interactionId === undefined) return { scope: 'channel', sessionId, channelId }
  if (interactionId === '') return undefined
  if (conversationId === undefined) return { scope: 'interaction', sessionId, channelId, interactionId }
  if (conversationId === '') return undefined
  return { scope: 'conversation', sessionId, channelId, interactionId, conversationId }
}

/** The target path of a session's object: each id given extends the path by one part. */
export function formatTarget (sessionId: string, parts: TargetParts = {}): string {
  let target = sessionId
  if (parts.channelId !== undefined) target += '.' + parts.channelId
  if (parts.interactionId !== undefined) target += '.' + parts.interactionId
  if (parts.conversationId !== undefined) target += '.' + parts.conversationId
  return target
}

/** The scope of a target path, by its depth (no copy of the string; called on every event). */
export function scopeOf (target: string): TargetScope | undefined {
  let parts = 1
  for (let i = target.indexOf('.'); i !== -1; i = target.indexOf('.', i + 1)) parts++
  return TARGET_SCOPES[parts - 1]
}

/**
 * The interaction a target belongs to (`<session>.<channel>.<interaction>`, for the
 * interaction itself and its conversations); undefined for sessions and channels.
 */
export function interactionOf (target: string): string | undefined {
  const first = target.indexOf('.')
  if (first === -1) return undefined
  const second = target.indexOf('.', first + 1)
  if (second === -1) return undefined
  const third = target.indexOf('.', second + 1)
  return third === -1 ? target : target.slice(0, third)
}

/** The channel a target belongs to (`<session>.<channel>`, for the channel and everything below it); undefined for sessions. */
export function channelOf (target: string): string | undefined {
  const first = target.indexOf('.')
  if (first === -1) return undefined
  const second = target.indexOf('.', first + 1)
  return second === -1 ? target : target.slice(0, second)
}
