import { Type, type TSchema } from '@sinclair/typebox'
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler'
import { FAILURE_CODE_LIST } from './common.schema.js'
import { SESSION_REQUESTS } from './session-requests.schema.js'

/**
 * The event catalogue: every resource event the server sends, with the schema of its `data`.
 * asyncapi.yaml is generated from it, and the tests check every event they see against it.
 * (Service events and coreEvents have schemas of their own in protocol.schema.ts.)
 */
export type Scope = 'session' | 'channel' | 'interaction' | 'conversation'

export interface CatalogueEntry {
  /** The event name, or for result events a pattern (`interaction.<action>.done`). */
  name: string
  pattern?: RegExp
  source: 'processor' | 'workflow'
  scope: Scope
  summary: string
  data: TSchema
}

/** Enums as union of literals: these schemas are checked by TypeBox, not only by Ajv. */
function oneOf (values: readonly string[]): TSchema {
  return Type.Union(values.map(v => Type.Literal(v)))
}

const NullableString = Type.Union([Type.String(), Type.Null()])
const AgentState = oneOf(['logged_out', 'not_ready', 'ready', 'busy', 'wrap_up'])
const InteractionState = oneOf(['ALERTING', 'DIALING', 'STARTED', 'ENDED', 'COMPLETED'])
const LegState = oneOf(['dialing', 'alerting', 'connected', 'held', 'disconnected'])
const Role = oneOf(['primary', 'consult'])
const Udata = Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean()]), { description: 'attached data' })

const Conversation = Type.Object({ conversationid: Type.String(), role: Role, state: LegState })
const InteractionStateData = {
  interactionid: Type.String(),
  state: InteractionState,
  direction: oneOf(['inbound', 'outbound', 'internal', 'consult', 'transfer', 'conference']),
  from: Type.String(),
  to: Type.String(),
  queue: NullableString,
  recording: oneOf(['off', 'on', 'paused']),
  conversations: Type.Array(Conversation, { description: 'the interaction\'s conversations now: a primary in ALERTING, DIALING and STARTED, a consult only in STARTED, none in ENDED and COMPLETED' })
}
const Ix = { interactionid: Type.String() }
const Party = {
  ...Ix,
  focusresource: Type.String({ description: 'the party\'s number or extension' }),
  partyid: Type.String(),
  partystate: LegState
}
const ConversationData = Type.Object({ ...Ix, conversationid: Type.String(), role: Role, state: LegState })
const Strict = { additionalProperties: false }

/** Actions that get result events: the commands on interactions and conversations, and dial. */
export const RESULT_ACTIONS = Object.entries(SESSION_REQUESTS)
  .filter(([command, spec]) => spec.target === 'interaction' || spec.target === 'conversation' || command === 'channel.dial')
  .map(([command]) => command.slice(command.indexOf('.') + 1).replace(/^request\./, ''))

const ACTION = `(${RESULT_ACTIONS.map(a => a.replace(/\./g, '\\.')).join('|')})`

export const EVENT_CATALOGUE: readonly CatalogueEntry[] = [
  { name: 'session.started', source: 'processor', scope: 'session', summary: 'the agent is logged in to the CTI', data: Type.Object({ agentId: Type.String(), extension: Type.String() }, Strict) },
  { name: 'session.ended', source: 'processor', scope: 'session', summary: 'the agent is logged out (reason: logout\'s reason, replaced, disposed, client_lost, client_closed, shutdown)', data: Type.Object({ reason: Type.String() }, Strict) },
  { name: 'state.updated', source: 'processor', scope: 'session', summary: 'the agent state changed', data: Type.Object({ state: AgentState, reason: NullableString }, Strict) },
  { name: 'channel.activated', source: 'processor', scope: 'channel', summary: 'a channel (the voice line) is usable', data: Type.Object({ media: Type.String(), extension: Type.Optional(Type.String()) }, Strict) },
  { name: 'channel.deactivated', source: 'processor', scope: 'channel', summary: 'the channel went away (logout)', data: Type.Object({}, Strict) },
  { name: 'interaction.added', source: 'processor', scope: 'interaction', summary: 'a new interaction (a call ringing, dialling out)', data: Type.Object({ ...InteractionStateData, udata: Udata }, Strict) },
  {
    name: 'state.updated', source: 'processor', scope: 'interaction', summary: 'the interaction\'s state, recording or conversations changed',
    data: Type.Object({
      ...InteractionStateData,
      reason: Type.Optional(Type.String({ description: 'why it ended: released, transferred, rejected, ring_no_answer, abandoned, hangup, logout' })),
      completedBy: Type.Optional(oneOf(['agent', 'timeout'])),
      disposition: Type.Optional(Type.String())
    }, Strict)
  },
  { name: 'interaction.present', source: 'processor', scope: 'interaction', summary: 'the interaction is under the session\'s control', data: Type.Object(Ix, Strict) },
  { name: 'interaction.notcontrolled', source: 'processor', scope: 'interaction', summary: 'the session no longer controls it (just before deleted)', data: Type.Object(Ix, Strict) },
  { name: 'interaction.deleted', source: 'processor', scope: 'interaction', summary: 'the interaction is gone', data: Type.Object({ ...Ix, reason: Type.String() }, Strict) },
  { name: 'interaction.partyadded', source: 'processor', scope: 'interaction', summary: 'a party joined the interaction', data: Type.Object(Party, Strict) },
  { name: 'interaction.partystatechanged', source: 'processor', scope: 'interaction', summary: 'a party\'s state changed (held, connected …)', data: Type.Object(Party, Strict) },
  { name: 'interaction.partydeleted', source: 'processor', scope: 'interaction', summary: 'a party left', data: Type.Object({ ...Ix, partyid: Type.String(), partystate: LegState }, Strict) },
  { name: 'interaction.udata.changed', source: 'processor', scope: 'interaction', summary: 'the attached data changed', data: Type.Object({ ...Ix, udata: Udata }, Strict) },
  { name: 'interaction.abandoned', source: 'processor', scope: 'interaction', summary: 'the caller hung up while it rang', data: Type.Object({ ...Ix, focusresource: Type.String(), reason: Type.String() }, Strict) },
  {
    name: 'interaction.onsinglesteptransfer', source: 'processor', scope: 'interaction', summary: 'this agent transferred the call (single step)',
    data: Type.Object({ ...Ix, transferringpartyid: Type.String(), transferringresource: Type.String(), transferringpartystate: LegState, newdestination: Type.String() }, Strict)
  },
  {
    name: 'interaction.onsinglestepconference', source: 'processor', scope: 'interaction', summary: 'this agent conferenced a party in (single step)',
    data: Type.Object({
      ...Ix,
      conferencingpartyid: Type.String(),
      conferencingresource: Type.String(),
      conferencingpartystate: LegState,
      addedpartyid: Type.String(),
      addedresource: Type.String(),
      addedpartystate: LegState
    }, Strict)
  },
  {
    name: 'interaction.onmerge', source: 'processor', scope: 'interaction', summary: 'the consult call was merged (transfer or conference)',
    data: Type.Object({ ...Ix, hints: Type.Object({ type: oneOf(['transfer', 'conference']) }), frominteractionid: Type.String(), tointeractionid: Type.String() }, Strict)
  },
  {
    name: 'interaction.<action>.done',
    pattern: new RegExp(`^interaction\\.${ACTION}\\.done$`),
    source: 'processor',
    scope: 'interaction',
    summary: `an interaction request succeeded (one per request, after the events it caused); <action>: ${RESULT_ACTIONS.join(', ')}`,
    data: Type.Object({ requestid: Type.String(), interactionid: NullableString }, Strict)
  },
  {
    name: 'error.interaction.<action>',
    pattern: new RegExp(`^error\\.interaction\\.${ACTION}$`),
    source: 'processor',
    scope: 'interaction',
    summary: 'an interaction request failed; `error` is its failure code. A refused channel.dial targets the session.',
    data: Type.Object({ requestid: Type.String(), interactionid: NullableString, error: oneOf(FAILURE_CODE_LIST), description: Type.String() }, Strict)
  },
  { name: 'conversation.created', source: 'processor', scope: 'conversation', summary: 'a conversation (call leg) of the interaction', data: ConversationData },
  { name: 'state.updated', source: 'processor', scope: 'conversation', summary: 'the conversation\'s state changed', data: ConversationData },
  { name: 'conversation.disposed', source: 'processor', scope: 'conversation', summary: 'the conversation is gone', data: ConversationData },
  {
    name: 'state.updated',
    source: 'workflow',
    scope: 'session',
    summary: 'the buttons of a target (the session, or an interaction): every capability the call model knows, enabled or disabled',
    data: Type.Array(Type.Object({ name: Type.String(), type: oneOf(['enable', 'disable']) }, Strict))
  }
]

const checks = new Map<CatalogueEntry, TypeCheck<TSchema>>(EVENT_CATALOGUE.map(e => [e, TypeCompiler.Compile(e.data)]))

const SCOPES: Scope[] = ['session', 'channel', 'interaction', 'conversation']

/**
 * Checks one event against the catalogue; returns what is wrong, or undefined when it fits.
 * `fromWorkflow` selects the workflow's events (their targets may be sessions or interactions).
 */
export function checkEvent (fromWorkflow: boolean, name: string, target: string, data: unknown): string | undefined {
  const scope = SCOPES[target.split('.').length - 1] ?? 'session'
  const source = fromWorkflow ? 'workflow' : 'processor'
  const entry = EVENT_CATALOGUE.find(e => e.source === source && (e.pattern !== undefined ? e.pattern.test(name) : e.name === name) &&
    (fromWorkflow || e.scope === scope || (e.pattern !== undefined && name === 'error.interaction.dial')))
  if (entry === undefined) return `${source} event ${name} on a ${scope} is not in the catalogue`
  const check = checks.get(entry) as TypeCheck<TSchema>
  if (check.Check(data)) return undefined
  const first = check.Errors(data).First()
  return `${source} ${name} (${scope}): ${first?.path ?? ''} ${first?.message ?? ''}`
}
