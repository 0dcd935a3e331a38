import { Type, type Static } from '@sinclair/typebox'

/**
 * A call model (models/*.json): declarative view state machines, compiled once to robot3
 * machines. Operators write these; the schema is checked at start-up and a broken model stops
 * the server with the file and the JSON path of the problem.
 */
const Name = Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_.-]+$' })
const Scalar = Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()])

export const TransitionSchema = Type.Object({
  event: Type.String({ minLength: 1, description: 'the processor event name, e.g. session.started, state.updated' }),
  when: Type.Optional(Type.Record(Type.String({ minLength: 1 }), Type.Union([Scalar, Type.Array(Scalar, { minItems: 1 })]), {
    description: 'guards on the event: each key is a dotted path into the event data, or `@scope` (session, channel, ' +
      'interaction or conversation: what the event is about) or `@target` (its target path); the value must equal it, ' +
      'or be one of a list; null matches a missing value'
  })),
  target: Name
}, { additionalProperties: false })
export type Transition = Static<typeof TransitionSchema>

export const ViewStateSchema = Type.Object({
  description: Type.Optional(Type.String()),
  enable: Type.Optional(Type.Array(Name, { description: 'capabilities enabled in this state; every other one the view knows is disabled' })),
  on: Type.Optional(Type.Array(TransitionSchema))
}, { additionalProperties: false })
export type ViewState = Static<typeof ViewStateSchema>

export const ViewSchema = Type.Object({
  scope: Type.Optional(Type.Union([Type.Literal('session'), Type.Literal('interaction'), Type.Literal('chat'), Type.Literal('chatChannel')], {
    description: 'what the view is about: the session, each call (interaction), each chat (chat), or the chat channel (chatChannel). ' +
      'Views named after a scope have it by default; further views run in parallel with them on the same targets and add their capabilities'
  })),
  description: Type.Optional(Type.String()),
  initial: Name,
  capabilities: Type.Array(Name, { minItems: 1, description: 'every capability this view reports, in report order' }),
  on: Type.Optional(Type.Array(TransitionSchema, { description: 'transitions every state has, tried after the state\'s own' })),
  states: Type.Record(Name, ViewStateSchema)
}, { additionalProperties: false })
export type View = Static<typeof ViewSchema>

export const CallModelSchema = Type.Object({
  $schema: Type.Optional(Type.String()),
  extends: Type.Optional(Type.String({
    minLength: 1, description: 'another model of the folder this one starts from: its settings are merged, its views replaced by name'
  })),
  description: Type.Optional(Type.String()),
  settings: Type.Optional(Type.Object({
    ringNoAnswerSeconds: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 3600, description: 'how long an offered call rings before it goes back to the queue (default 15)' })),
    wrapUpSeconds: Type.Optional(Type.Union([Type.Number({ minimum: 0, maximum: 86400 }), Type.Null()], { description: 'wrap-up length; null = until interaction.complete (default null)' })),
    afterWrapUp: Type.Optional(Type.Union([Type.Literal('ready'), Type.Literal('not_ready')], { description: 'agent state once wrap-up ends (default ready)' })),
    afterWrapUpReason: Type.Optional(Type.String({ description: 'reason code when afterWrapUp is not_ready' }))
  }, { additionalProperties: false })),
  views: Type.Record(Name, ViewSchema, {
    description: 'the session view (required), the interaction view, the chat and chatChannel views (needed when the CTI offers chat), and any parallel views with their scope'
  })
}, { additionalProperties: false })
export type CallModel = Static<typeof CallModelSchema>
