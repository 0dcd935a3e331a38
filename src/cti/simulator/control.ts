import { Type } from '@sinclair/typebox'
import { CTI_UNAVAILABLE, UNKNOWN_COMMAND, UNSUPPORTED, messageOf } from '../../errors.js'
import { ManualClock, type Clock } from '../../core/clock.js'
import { compileCheck } from '../../core/check.js'
import { ChatText } from '../../schemas/chat.schema.js'
import {
  SimAgentSchema, SimCallSchema, SimChatSchema, SimClockBodySchema, SimPlaceCallBodySchema, SimQueuesAnswerSchema, SimStartChatBodySchema,
  type SimAgent, type SimCall, type SimChat, type SimPlaceCall, type SimQueue, type SimStartChat
} from '../../schemas/simulator.schema.js'
import type { Simulator } from './simulator.js'

/**
 * The simulator's operator controls (the /simulator/* routes and the media bar's panel), the
 * same whether the simulator is embedded or a connector process across the bridge.
 */
export interface SimulatorControl {
  agents: () => Promise<SimAgent[]>
  calls: () => Promise<SimCall[]>
  queues: () => Promise<SimQueue[]>
  placeCall: (call: SimPlaceCall) => Promise<{ callId: string }>
  hangup: (callId: string) => Promise<void>
  /** SIM_CLOCK=manual only (UNSUPPORTED otherwise): the new simulated time, ISO 8601. */
  advanceClock: (ms: number) => Promise<{ now: string }>
  /** A customer starts a chat, writes, types, leaves; the chats as customers see them. */
  startChat: (chat: SimStartChat) => Promise<{ chatId: string }>
  chatMessage: (chatId: string, text: string) => Promise<{ messageId: string }>
  chatTyping: (chatId: string, typing: boolean) => Promise<void>
  leaveChat: (chatId: string) => Promise<void>
  chats: () => Promise<SimChat[]>
  chat: (chatId: string) => Promise<SimChat>
}

/** The names of the controls, as a connector lists them (`controls`) and takes them (`control`). */
export const SIMULATOR_CONTROLS = [
  'agents', 'calls', 'queues', 'placeCall', 'hangup', 'advanceClock', 'startChat', 'chatMessage', 'chatTyping', 'leaveChat', 'chats', 'chat'
] as const
export type SimulatorControlName = typeof SIMULATOR_CONTROLS[number]

/** The controls of an embedded simulator on the clock it runs on. */
export function localControl (simulator: Simulator, clock: Clock): SimulatorControl {
  return {
    agents: async () => simulator.agents(),
    calls: async () => simulator.calls(),
    queues: async () => simulator.queues(),
    placeCall: async call => ({ callId: simulator.placeCall(call).id }),
    hangup: async callId => { simulator.hangup(callId) },
    advanceClock: async ms => {
      if (!(clock instanceof ManualClock)) throw new UNSUPPORTED('the simulator clock runs in real time; start it with SIM_CLOCK=manual')
      clock.advance(ms)
      return { now: new Date(clock.now()).toISOString() }
    },
    startChat: async chat => ({ chatId: simulator.startChat(chat).id }),
    chatMessage: async (chatId, text) => ({ messageId: simulator.chatMessage(chatId, text).messageId }),
    chatTyping: async (chatId, typing) => { simulator.chatTyping(chatId, typing) },
    leaveChat: async chatId => { simulator.leaveChat(chatId) },
    chats: async () => simulator.chats(),
    chat: async chatId => simulator.chat(chatId)
  }
}

const ChatId = Type.String({ minLength: 1, maxLength: 256 })

const ARGS = {
  placeCall: compileCheck(SimPlaceCallBodySchema, 'placeCall'),
  hangup: compileCheck(Type.Object({ callId: Type.String({ minLength: 1, maxLength: 256 }) }, { additionalProperties: false }), 'hangup'),
  advanceClock: compileCheck(SimClockBodySchema, 'advanceClock'),
  startChat: compileCheck(SimStartChatBodySchema, 'startChat'),
  chatMessage: compileCheck(Type.Object({ chatId: ChatId, text: ChatText }, { additionalProperties: false }), 'chatMessage'),
  chatTyping: compileCheck(Type.Object({ chatId: ChatId, typing: Type.Boolean() }, { additionalProperties: false }), 'chatTyping'),
  chatId: compileCheck(Type.Object({ chatId: ChatId }, { additionalProperties: false }), 'chat')
}

/** The connector side: runs a `control` request by name with its checked arguments. */
export async function runControl (control: SimulatorControl, name: string, args: unknown): Promise<unknown> {
  switch (name) {
    case 'agents': return await control.agents()
    case 'calls': return await control.calls()
    case 'queues': return await control.queues()
    case 'placeCall': return await control.placeCall(ARGS.placeCall.parse(args))
    case 'hangup': await control.hangup(ARGS.hangup.parse(args).callId); return null
    case 'advanceClock': return await control.advanceClock(ARGS.advanceClock.parse(args).advanceMs)
    case 'startChat': return await control.startChat(ARGS.startChat.parse(args))
    case 'chatMessage': { const a = ARGS.chatMessage.parse(args); return await control.chatMessage(a.chatId, a.text) }
    case 'chatTyping': { const a = ARGS.chatTyping.parse(args); await control.chatTyping(a.chatId, a.typing); return null }
    case 'leaveChat': await control.leaveChat(ARGS.chatId.parse(args).chatId); return null
    case 'chats': return await control.chats()
    case 'chat': return await control.chat(ARGS.chatId.parse(args).chatId)
    default: throw new UNKNOWN_COMMAND(`no control ${JSON.stringify(name)}; the controls are ${SIMULATOR_CONTROLS.join(', ')}`)
  }
}

const RESULTS = {
  agents: compileCheck(Type.Array(SimAgentSchema), 'agents answer'),
  calls: compileCheck(Type.Array(SimCallSchema), 'calls answer'),
  queues: compileCheck(SimQueuesAnswerSchema.properties.queues, 'queues answer'),
  placeCall: compileCheck(Type.Object({ callId: Type.String({ minLength: 1, maxLength: 256 }) }), 'placeCall answer'),
  advanceClock: compileCheck(Type.Object({ now: Type.String({ maxLength: 64 }) }), 'advanceClock answer'),
  startChat: compileCheck(Type.Object({ chatId: ChatId }), 'startChat answer'),
  chatMessage: compileCheck(Type.Object({ messageId: Type.String({ minLength: 1, maxLength: 256 }) }), 'chatMessage answer'),
  chats: compileCheck(Type.Array(SimChatSchema), 'chats answer'),
  chat: compileCheck(SimChatSchema, 'chat answer')
}

/**
 * The server side of a remote simulator: each control sent over `send` (the bridge's `control`
 * request), its answer checked against the control's schema before a route returns it.
 */
export function remoteControl (send: (name: SimulatorControlName, args: unknown) => Promise<unknown>): SimulatorControl {
  const checked = <T>(check: { parse: (value: unknown) => T }, value: unknown): T => {
    try {
      return check.parse(value)
    } catch (err) {
      throw new CTI_UNAVAILABLE(`the connector's answer does not fit: ${messageOf(err)}`)
    }
  }
  return {
    agents: async () => checked(RESULTS.agents, await send('agents', null)),
    calls: async () => checked(RESULTS.calls, await send('calls', null)),
    queues: async () => checked(RESULTS.queues, await send('queues', null)),
    placeCall: async call => checked(RESULTS.placeCall, await send('placeCall', call)),
    hangup: async callId => { await send('hangup', { callId }) },
    advanceClock: async ms => checked(RESULTS.advanceClock, await send('advanceClock', { advanceMs: ms })),
    startChat: async chat => checked(RESULTS.startChat, await send('startChat', chat)),
    chatMessage: async (chatId, text) => checked(RESULTS.chatMessage, await send('chatMessage', { chatId, text })),
    chatTyping: async (chatId, typing) => { await send('chatTyping', { chatId, typing }) },
    leaveChat: async chatId => { await send('leaveChat', { chatId }) },
    chats: async () => checked(RESULTS.chats, await send('chats', null)),
    chat: async chatId => checked(RESULTS.chat, await send('chat', { chatId }))
  }
}
