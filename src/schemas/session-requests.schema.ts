import { Type, type Static, type TObject } from '@sinclair/typebox'
import { ChatText } from './chat.schema.js'
import type { TargetScope } from './target.js'

/**
 * What each Interaction Processor request carries (docs/protocol.md, Service requests and Session
 * requests). The processor checks a request's data against its `fields` before anything reaches
 * the CTI.
 */
export const AgentIdSchema = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_@-]+$', description: 'the agent id (no dots)' })

export const PrepareSessionDataSchema = Type.Object({
  model: Type.Optional(Type.String({ maxLength: 100, description: 'call model name; blank or missing = default' })),
  override: Type.Optional(Type.Boolean({ description: 'true replaces an existing session of this agent' })),
  agent: Type.Object({
    id: AgentIdSchema,
    password: Type.Optional(Type.String({ minLength: 1, maxLength: 256, writeOnly: true, description: 'the agent\'s password (or resumeToken)' })),
    resumeToken: Type.Optional(Type.String({
      minLength: 1,
      maxLength: 256,
      writeOnly: true,
      description: 'instead of the password: the resume credential the last successful prepareSession of this agent answered (docs/protocol.md, Resume credential); one use'
    }))
  })
}, {
  $id: 'PrepareSessionData',
  description: 'other properties (such as `cti`) are accepted and echoed. `agent` carries `password` or `resumeToken`',
  examples: [{ agent: { id: 'agent1', password: 'demo-pass-1' }, model: '', override: false }]
})
export type PrepareSessionData = Static<typeof PrepareSessionDataSchema>

const Strict = { additionalProperties: false }
const Reason = Type.String({ minLength: 1, maxLength: 64 })
const Destination = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9+*#_@-]+$', description: 'an outside number or an agent extension' })
const None = Type.Object({}, Strict)
const ReasonFields = Type.Object({ reason: Type.Optional(Reason) }, Strict)
const DestinationFields = Type.Object({ destination: Destination }, Strict)

export const REQUEST_CATEGORIES = ['session', 'telephony', 'consult', 'recording', 'multimedia'] as const
export type RequestCategory = typeof REQUEST_CATEGORIES[number]

export interface SessionRequestSpec<F extends TObject = TObject> {
  /** What the request acts on: the depth of its target. */
  target: TargetScope
  category: RequestCategory
  /**
   * The data's fields, as the CTI receives them. A client's `data` may also be absent, `""` (as
   * real media bars send) or null, which mean `{}`.
   */
  fields: F
}

function spec<F extends TObject> (target: TargetScope, category: RequestCategory, fields: F): SessionRequestSpec<F> {
  return { target, category, fields }
}

/** Every session request: its target, its category (getCapabilities) and its data. */
export const SESSION_REQUESTS = {
  'session.login': spec('session', 'session', None),
  'session.logout': spec('session', 'session', ReasonFields),
  'session.ready': spec('session', 'session', None),
  'session.notready': spec('session', 'session', ReasonFields),
  'session.dispose': spec('session', 'session', None),
  'channel.ready': spec('channel', 'session', None),
  'channel.notready': spec('channel', 'session', ReasonFields),
  'channel.dial': spec('channel', 'telephony', Type.Object({
    destination: Destination,
    extensions: Type.Optional(Type.Record(Type.String({ maxLength: 64 }), Type.String({ maxLength: 256 }), { description: 'attached data for the new call' }))
  }, Strict)),
  'interaction.accept': spec('interaction', 'telephony', None),
  'interaction.reject': spec('interaction', 'telephony', None),
  'interaction.redirect': spec('interaction', 'telephony', DestinationFields),
  'interaction.pick': spec('channel', 'telephony', DestinationFields),
  'interaction.associate': spec('interaction', 'telephony', None),
  'interaction.terminate': spec('interaction', 'telephony', None),
  'interaction.clear': spec('interaction', 'telephony', Type.Object({
    resource: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'the party to drop: its party id or number; none: the agent leaves' }))
  }, Strict)),
  'interaction.singlesteptransfer': spec('interaction', 'telephony', DestinationFields),
  'interaction.singlestepconference': spec('interaction', 'telephony', DestinationFields),
  'interaction.complete': spec('interaction', 'telephony', Type.Object({ disposition: Type.Optional(Type.String({ maxLength: 128 })) }, Strict)),
  'interaction.setdata': spec('interaction', 'telephony', Type.Object({
    data: Type.Record(Type.String({ minLength: 1, maxLength: 64 }), Type.Union([Type.String({ maxLength: 1024 }), Type.Number(), Type.Boolean()]), { maxProperties: 64 })
  }, Strict)),
  'interaction.consult': spec('interaction', 'consult', DestinationFields),
  'interaction.consulttransfer': spec('interaction', 'consult', None),
  'interaction.consultconference': spec('interaction', 'consult', None),
  'interaction.alternate': spec('interaction', 'consult', None),
  'interaction.request.recording.start': spec('interaction', 'recording', None),
  'interaction.request.recording.stop': spec('interaction', 'recording', None),
  'interaction.request.recording.pause': spec('interaction', 'recording', None),
  'interaction.request.recording.resume': spec('interaction', 'recording', None),
  'chat.send': spec('interaction', 'multimedia', Type.Object({ text: ChatText }, Strict)),
  'chat.typing': spec('interaction', 'multimedia', Type.Object({ typing: Type.Boolean() }, Strict)),
  'conversation.answer': spec('conversation', 'telephony', None),
  'conversation.release': spec('conversation', 'telephony', None),
  'conversation.hold': spec('conversation', 'telephony', None),
  'conversation.retrieve': spec('conversation', 'telephony', None),
  'conversation.transfer': spec('conversation', 'telephony', DestinationFields),
  'conversation.conference': spec('conversation', 'telephony', DestinationFields),
  'conversation.dtmf': spec('conversation', 'telephony', Type.Object({
    digits: Type.String({ minLength: 1, maxLength: 32, pattern: '^[0-9*#A-D]+$' })
  }, Strict))
} as const satisfies Record<string, SessionRequestSpec>

export type SessionCommand = keyof typeof SESSION_REQUESTS
/** The data of a session request as the CTI receives it. */
export type RequestFields<C extends SessionCommand> = Static<typeof SESSION_REQUESTS[C]['fields']>

export const SESSION_COMMANDS = Object.keys(SESSION_REQUESTS).filter(isSessionCommand)

export function isSessionCommand (command: string): command is SessionCommand {
  return Object.hasOwn(SESSION_REQUESTS, command)
}

/**
 * The action name of a request's result events: `conversation.hold` → `hold`,
 * `interaction.request.recording.start` → `recording.start`, `channel.dial` → `dial`, `chat.send` → `chat.send`.
 */
export function actionOf (command: string): string {
  if (command.startsWith('chat.')) return command
  return command.slice(command.indexOf('.') + 1).replace(/^request\./, '')
}

/** Requests that get an `interaction.<action>.done` / `error.interaction.<action>` event: interaction, chat and conversation requests, and dial. */
export function hasResultEvent (command: SessionCommand): boolean {
  return command.startsWith('interaction.') || command.startsWith('conversation.') || command.startsWith('chat.') || command === 'channel.dial'
}

/** The actions that get result events, in catalogue order. */
export const RESULT_ACTIONS = SESSION_COMMANDS.filter(hasResultEvent).map(actionOf)
