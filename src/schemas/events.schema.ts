import { Type, type Static, type TSchema } from '@sinclair/typebox'
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler'
import { ChatMessageSchema } from './chat.schema.js'
import { FAILURE_CODE_LIST } from './failures.js'
import { RESULT_ACTIONS } from './session-requests.schema.js'
import { scopeOf, TARGET_SCOPES, type TargetScope } from './target.js'
import {
  AGENT_STATES, CHANNEL_STATES, COMPLETED_BY, CONVERSATION_ROLES, CONVERSATION_STATES, DIRECTIONS, INTERACTION_STATES, MERGE_TYPES,
  RECORDING_STATES, oneOf
} from './vocabulary.js'

/**
 * The event catalogue: every resource event the server sends, with the schema of its `data`.
 * The processor's events are what a CTI emits (`CTI_EVENTS`, by the scope of the object they are
 * about); the processor adds one result event per interaction request; the workflow sends the
 * views. The CTI port's event type (src/cti/port.ts) is derived from `CTI_EVENTS`, asyncapi.yaml and
 * docs/protocol.md list `EVENT_CATALOGUE`, and the tests check every event they see against it.
 * (Service events and coreEvents have schemas of their own in protocol.schema.ts.)
 */
export interface EventSpec {
  summary: string
  data: TSchema
}

const Strict = { additionalProperties: false }
const NullableString = Type.Union([Type.String(), Type.Null()])
const ConversationState = oneOf(CONVERSATION_STATES)
const Role = oneOf(CONVERSATION_ROLES)
const Udata = Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean()]), { description: 'attached data' })

const Conversation = Type.Object({ conversationid: Type.String(), role: Role, state: ConversationState })
const InteractionStateData = {
  interactionid: Type.String(),
  state: oneOf(INTERACTION_STATES),
  direction: oneOf(DIRECTIONS),
  from: Type.String(),
  to: Type.String(),
  queue: NullableString,
  recording: oneOf(RECORDING_STATES),
  conversations: Type.Array(Conversation, { description: 'the interaction\'s conversations now: a primary in ALERTING, DIALING and STARTED, a consult only in STARTED, none in ENDED and COMPLETED' })
}
const Ix = { interactionid: Type.String() }
const Party = {
  ...Ix,
  focusresource: Type.String({ description: 'the party\'s number or extension' }),
  partyid: Type.String(),
  partystate: ConversationState
}
const ConversationData = Type.Object({ ...Ix, conversationid: Type.String(), role: Role, state: ConversationState })
const Hints = Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]), {
  description: 'what the platform adds about the event (seed 003: implementation-specific); the simulator says why where it knows (`reason`)'
})
const Instant = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z$', description: 'an instant, ISO 8601 in UTC' })
const PartyState = Type.Object({ partyid: Type.String(), focusresource: Type.String(), partystate: ConversationState })
/** An interaction as it is now, whole: what a client needs to show it (adoption, associate). */
export const InteractionPictureSchema = Type.Object({
  ...InteractionStateData,
  udata: Udata,
  parties: Type.Array(PartyState, { description: 'the other participants of its calls' }),
  startedAt: Type.Union([Instant, Type.Null()], { description: 'when the call was answered (STARTED), or null when it never was' }),
  since: Instant,
  wrapUpUntil: Type.Union([Instant, Type.Null()], { description: 'ENDED: when wrap-up ends by itself, or null when only interaction.complete ends it' }),
  transcript: Type.Optional(Type.Array(ChatMessageSchema, { description: 'chats only: the last messages (CHAT_TRANSCRIPT_KEEP), oldest first' }))
})

/** What a CTI emits, by the scope of the object each event is about (its target's depth). */
export const CTI_EVENTS = {
  session: {
    'session.started': { summary: 'the agent is logged in to the CTI', data: Type.Object({ agentId: Type.String(), extension: Type.String() }, Strict) },
    'session.pendinglogout': {
      summary: 'the session is ending while the agent has calls: the CTI logs the agent out when the last call and its wrap-up end, and routes no new call to them meanwhile (reason); or no more (null: a new session took the agent back)',
      data: Type.Object({ reason: NullableString }, Strict)
    },
    'session.ended': { summary: 'the agent is logged out (reason: logout\'s reason, replaced, disposed, client_lost, client_closed, shutdown)', data: Type.Object({ reason: Type.String() }, Strict) },
    'state.updated': { summary: 'the agent state changed', data: Type.Object({ state: oneOf(AGENT_STATES), reason: NullableString }, Strict) }
  },
  channel: {
    'channel.activated': { summary: 'a channel (the voice line) is usable', data: Type.Object({ media: Type.String(), extension: Type.Optional(Type.String()) }, Strict) },
    'channel.deactivated': { summary: 'the channel went away (logout)', data: Type.Object({}, Strict) },
    'state.updated': {
      summary: 'the chat channel\'s readiness or load changed (the voice channel follows the agent state, on the session)',
      data: Type.Object({
        state: oneOf(CHANNEL_STATES),
        reason: NullableString,
        chats: Type.Integer({ minimum: 0, description: 'the agent\'s chats now, offered, live or in wrap-up' }),
        max: Type.Integer({ minimum: 0, description: 'how many chats the agent takes at once (CHAT_MAX_PER_AGENT)' })
      }, Strict)
    }
  },
  interaction: {
    'interaction.added': { summary: 'a new interaction (a call ringing, dialling out)', data: Type.Object({ ...InteractionStateData, udata: Udata }, Strict) },
    'state.updated': {
      summary: 'the interaction\'s state, recording or conversations changed',
      data: Type.Object({
        ...InteractionStateData,
        reason: Type.Optional(Type.String({ description: 'why it ended: released, transferred, rejected, ring_no_answer, abandoned, hangup, logout' })),
        completedBy: Type.Optional(oneOf(COMPLETED_BY)),
        disposition: Type.Optional(Type.String())
      }, Strict)
    },
    'interaction.present': { summary: 'the interaction is under the session\'s control', data: Type.Object(Ix, Strict) },
    'interaction.notcontrolled': { summary: 'the session no longer controls it (just before deleted)', data: Type.Object(Ix, Strict) },
    'interaction.deleted': { summary: 'the interaction is gone', data: Type.Object({ ...Ix, reason: Type.String() }, Strict) },
    'interaction.partyadded': { summary: 'a party joined the interaction', data: Type.Object(Party, Strict) },
    'interaction.partystatechanged': { summary: 'a party\'s state changed (held, connected …)', data: Type.Object({ ...Party, hints: Hints }, Strict) },
    'interaction.partydeleted': { summary: 'a party left', data: Type.Object({ ...Ix, focusresource: Type.String(), partyid: Type.String(), partystate: ConversationState }, Strict) },
    'interaction.udata.changed': { summary: 'the attached data changed', data: Type.Object({ ...Ix, udata: Udata }, Strict) },
    'interaction.abandoned': { summary: 'the caller hung up while it rang', data: Type.Object({ ...Ix, focusresource: Type.String(), reason: Type.String(), hints: Hints }, Strict) },
    'interaction.ondivert': {
      summary: 'the alerting call was diverted from this agent elsewhere: it rang out (back to its queue) or was redirected',
      data: Type.Object({
        ...Ix, divertingpartyid: Type.String(), divertingresource: Type.String(), divertingpartystate: ConversationState, newdestination: Type.String(), hints: Hints
      }, Strict)
    },
    'interaction.restored': {
      summary: 'an interaction the session took over (adoption) or re-read (associate), whole, as it is now',
      data: Type.Object(InteractionPictureSchema.properties, Strict)
    },
    'chat.message': {
      summary: 'a chat message: the customer\'s, the agent\'s own (as sent), or the platform\'s; plain text',
      data: Type.Object({ ...Ix, ...ChatMessageSchema.properties }, Strict)
    },
    'chat.typing': {
      summary: 'the customer started or stopped typing',
      data: Type.Object({ ...Ix, from: Type.Literal('customer'), typing: Type.Boolean() }, Strict)
    },
    'interaction.onsinglesteptransfer': {
      summary: 'this agent transferred the call (single step)',
      data: Type.Object({ ...Ix, transferringpartyid: Type.String(), transferringresource: Type.String(), transferringpartystate: ConversationState, newdestination: Type.String(), hints: Hints }, Strict)
    },
    'interaction.onsinglestepconference': {
      summary: 'this agent conferenced a party in (single step)',
      data: Type.Object({
        ...Ix,
        conferencingpartyid: Type.String(),
        conferencingresource: Type.String(),
        conferencingpartystate: ConversationState,
        addedpartyid: Type.String(),
        addedresource: Type.String(),
        addedpartystate: ConversationState,
        hints: Hints
      }, Strict)
    },
    'interaction.onmerge': {
      summary: 'the consult call was merged (transfer or conference)',
      data: Type.Object({
        ...Ix,
        hints: Type.Object({ type: oneOf(MERGE_TYPES) }),
        frominteractionid: Type.String(),
        tointeractionid: Type.String(),
        activeresource: Type.String({ description: 'the party talking to the agent when the calls merged (the consulted one)' }),
        activepartyid: Type.String(),
        activepartystate: ConversationState,
        heldresource: Type.String({ description: 'the party on hold when the calls merged (the caller)' }),
        heldpartyid: Type.String(),
        heldpartystate: ConversationState
      }, Strict)
    }
  },
  conversation: {
    'conversation.created': { summary: 'a conversation (call leg) of the interaction', data: ConversationData },
    'state.updated': { summary: 'the conversation\'s state changed', data: ConversationData },
    'conversation.disposed': { summary: 'the conversation is gone', data: ConversationData }
  }
} as const satisfies { readonly [S in TargetScope]: Readonly<Record<string, EventSpec>> }

type CtiCatalogue = typeof CTI_EVENTS
/** The names of the CTI's events about objects of one scope. */
export type CtiEventName<S extends TargetScope> = keyof CtiCatalogue[S] & string
/**
 * The data of one CTI event, from its schema: the event's attributes on the wire, except the ids
 * of its object (`interactionid`, `conversationid`), which the event names once, as ids, and the
 * processor writes into the data it sends.
 */
export type CtiEventData<S extends TargetScope, N extends CtiEventName<S>> =
  CtiCatalogue[S][N] extends { data: infer D extends TSchema } ? Omit<Static<D>, 'interactionid' | 'conversationid'> : never

const ACTION = `(${RESULT_ACTIONS.map(a => a.replace(/\./g, '\\.')).join('|')})`

/** The processor's own events: one result event per interaction request. */
export const RESULT_EVENTS = {
  done: {
    name: 'interaction.<action>.done',
    pattern: new RegExp(`^interaction\\.${ACTION}\\.done$`),
    summary: `an interaction request succeeded (one per request, after the events it caused); <action>: ${RESULT_ACTIONS.join(', ')}`,
    data: Type.Object({
      requestid: Type.String(),
      interactionid: NullableString,
      resource: Type.Optional(Type.String({ description: 'clear: the party whose connection was cleared' }))
    }, Strict)
  },
  error: {
    name: 'error.interaction.<action>',
    pattern: new RegExp(`^error\\.interaction\\.${ACTION}$`),
    summary: 'an interaction request failed, whatever refused it (its data, its target, a disabled button, the CTI); `error` is its failure code. It targets its interaction, or (when there is none: dial, pick, an interaction that is not there) the channel or session the request named.',
    data: Type.Object({ requestid: Type.String(), interactionid: NullableString, error: oneOf(FAILURE_CODE_LIST), description: Type.String() }, Strict)
  }
} as const
export type RequestDoneData = Static<typeof RESULT_EVENTS.done.data>
export type RequestErrorData = Static<typeof RESULT_EVENTS.error.data>

/** The workflow's one event: the buttons of a target. */
export const WORKFLOW_STATE_EVENT = {
  summary: 'the buttons of a target (the session, or an interaction): every capability the call model knows, enabled or disabled',
  data: Type.Array(Type.Object({ name: Type.String(), type: oneOf(['enable', 'disable']) }, Strict))
} as const

export interface CatalogueEntry extends EventSpec {
  /** The event name, or for result events a pattern (`interaction.<action>.done`). */
  name: string
  pattern?: RegExp
  source: 'processor' | 'workflow'
  scope: TargetScope
}

function entries (scope: TargetScope): CatalogueEntry[] {
  return Object.entries(CTI_EVENTS[scope]).map(([name, spec]) => ({ name, source: 'processor', scope, ...spec }))
}

const DONE_ENTRY: CatalogueEntry = { ...RESULT_EVENTS.done, source: 'processor', scope: 'interaction' }
const ERROR_ENTRY: CatalogueEntry = { ...RESULT_EVENTS.error, source: 'processor', scope: 'interaction' }

/** Every resource event in one list: the processor's by scope (result events with the interaction's), then the workflow's. */
export const EVENT_CATALOGUE: readonly CatalogueEntry[] = [
  ...entries('session'),
  ...entries('channel'),
  ...entries('interaction'),
  DONE_ENTRY,
  ERROR_ENTRY,
  ...entries('conversation'),
  { name: 'state.updated', source: 'workflow', scope: 'session', ...WORKFLOW_STATE_EVENT }
]

const checks = new Map<CatalogueEntry, TypeCheck<TSchema>>(EVENT_CATALOGUE.map(e => [e, TypeCompiler.Compile(e.data)]))

/**
 * Checks one event against the catalogue; returns what is wrong, or undefined when it fits.
 * `fromWorkflow` selects the workflow's events (their targets may be sessions or interactions).
 */
export function checkEvent (fromWorkflow: boolean, name: string, target: string, data: unknown): string | undefined {
  const scope = scopeOf(target) ?? TARGET_SCOPES[0]
  const source = fromWorkflow ? 'workflow' : 'processor'
  const entry = EVENT_CATALOGUE.find(e => e.source === source && (e.pattern !== undefined ? e.pattern.test(name) : e.name === name) &&
    (fromWorkflow || e.scope === scope || (e === ERROR_ENTRY && scope !== 'conversation')))
  const check = entry === undefined ? undefined : checks.get(entry)
  if (check === undefined) return `${source} event ${name} on a ${scope} is not in the catalogue`
  if (check.Check(data)) return undefined
  const first = check.Errors(data).First()
  return `${source} ${name} (${scope}): ${first?.path ?? ''} ${first?.message ?? ''}`
}
