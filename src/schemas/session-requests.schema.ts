import { Type, type Static, type TSchema } from '@sinclair/typebox'

/**
 * What each Interaction Processor request carries (PROTOCOL.md §4 and §5). The processor checks
 * `data` against these before anything reaches the CTI.
 */
export const AgentIdSchema = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_@-]+$', description: 'the agent id (no dots)' })

export const PrepareSessionDataSchema = Type.Object({
  model: Type.Optional(Type.String({ maxLength: 100, description: 'call model name; blank or missing = default' })),
  override: Type.Optional(Type.Boolean({ description: 'true replaces an existing session of this agent' })),
  agent: Type.Object({
    id: AgentIdSchema,
    password: Type.String({ minLength: 1, maxLength: 256, writeOnly: true })
  })
}, {
  $id: 'PrepareSessionData',
  description: 'other properties (such as `cti`) are accepted and echoed',
  examples: [{ agent: { id: 'agent1', password: 'demo-pass-1' }, model: '', override: false }]
})
export type PrepareSessionData = Static<typeof PrepareSessionDataSchema>

/** No data: absent, `""` (as real media bars send) or `{}`. */
const NoData = Type.Union([Type.Literal(''), Type.Object({}, { additionalProperties: false }), Type.Null()])
const Reason = Type.String({ minLength: 1, maxLength: 64 })
const Destination = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9+*#_@-]+$', description: 'an outside number or an agent extension' })

export type TargetKind = 'session' | 'channel' | 'interaction' | 'conversation'
export type RequestCategory = 'session' | 'telephony' | 'consult' | 'recording'

export interface SessionRequestSpec {
  target: TargetKind
  category: RequestCategory
  data: TSchema
}

function spec (target: TargetKind, category: RequestCategory, data: TSchema = NoData): SessionRequestSpec {
  return { target, category, data }
}

const ReasonData = Type.Union([NoData, Type.Object({ reason: Type.Optional(Reason) }, { additionalProperties: false })])
const DestinationData = Type.Object({ destination: Destination }, { additionalProperties: false })

export const SESSION_REQUESTS: Readonly<Record<string, SessionRequestSpec>> = {
  'session.login': spec('session', 'session'),
  'session.logout': spec('session', 'session', ReasonData),
  'session.ready': spec('session', 'session'),
  'session.notready': spec('session', 'session', ReasonData),
  'session.dispose': spec('session', 'session'),
  'channel.ready': spec('channel', 'session'),
  'channel.notready': spec('channel', 'session', ReasonData),
  'channel.dial': spec('channel', 'telephony', Type.Object({
    destination: Destination,
    extensions: Type.Optional(Type.Record(Type.String({ maxLength: 64 }), Type.String({ maxLength: 256 }), { description: 'attached data for the new call' }))
  }, { additionalProperties: false })),
  'interaction.accept': spec('interaction', 'telephony'),
  'interaction.reject': spec('interaction', 'telephony'),
  'interaction.complete': spec('interaction', 'telephony', Type.Union([NoData, Type.Object({ disposition: Type.Optional(Type.String({ maxLength: 128 })) }, { additionalProperties: false })])),
  'interaction.setdata': spec('interaction', 'telephony', Type.Object({
    data: Type.Record(Type.String({ minLength: 1, maxLength: 64 }), Type.Union([Type.String({ maxLength: 1024 }), Type.Number(), Type.Boolean()]), { maxProperties: 64 })
  }, { additionalProperties: false })),
  'interaction.consult': spec('interaction', 'consult', DestinationData),
  'interaction.consulttransfer': spec('interaction', 'consult'),
  'interaction.consultconference': spec('interaction', 'consult'),
  'interaction.alternate': spec('interaction', 'consult'),
  'interaction.request.recording.start': spec('interaction', 'recording'),
  'interaction.request.recording.stop': spec('interaction', 'recording'),
  'interaction.request.recording.pause': spec('interaction', 'recording'),
  'interaction.request.recording.resume': spec('interaction', 'recording'),
  'conversation.answer': spec('conversation', 'telephony'),
  'conversation.release': spec('conversation', 'telephony'),
  'conversation.hold': spec('conversation', 'telephony'),
  'conversation.retrieve': spec('conversation', 'telephony'),
  'conversation.transfer': spec('conversation', 'telephony', DestinationData),
  'conversation.conference': spec('conversation', 'telephony', DestinationData),
  'conversation.dtmf': spec('conversation', 'telephony', Type.Object({
    digits: Type.String({ minLength: 1, maxLength: 32, pattern: '^[0-9*#A-D]+$' })
  }, { additionalProperties: false }))
}
