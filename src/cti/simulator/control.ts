import { Type } from '@sinclair/typebox'
import { CTI_UNAVAILABLE, UNKNOWN_COMMAND, UNSUPPORTED, messageOf } from '../../errors.js'
import { ManualClock, type Clock } from '../../core/clock.js'
import { compileCheck } from '../../core/check.js'
import {
  SimAgentSchema, SimCallSchema, SimClockBodySchema, SimPlaceCallBodySchema, SimQueuesAnswerSchema,
  type SimAgent, type SimCall, type SimPlaceCall, type SimQueue
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
}

/** The names of the controls, as a connector lists them (`controls`) and takes them (`control`). */
export const SIMULATOR_CONTROLS = ['agents', 'calls', 'queues', 'placeCall', 'hangup', 'advanceClock'] as const
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
    }
  }
}

const ARGS = {
  placeCall: compileCheck(SimPlaceCallBodySchema, 'placeCall'),
  hangup: compileCheck(Type.Object({ callId: Type.String({ minLength: 1, maxLength: 256 }) }, { additionalProperties: false }), 'hangup'),
  advanceClock: compileCheck(SimClockBodySchema, 'advanceClock')
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
    default: throw new UNKNOWN_COMMAND(`no control ${JSON.stringify(name)}; the controls are ${SIMULATOR_CONTROLS.join(', ')}`)
  }
}

const RESULTS = {
  agents: compileCheck(Type.Array(SimAgentSchema), 'agents answer'),
  calls: compileCheck(Type.Array(SimCallSchema), 'calls answer'),
  queues: compileCheck(SimQueuesAnswerSchema.properties.queues, 'queues answer'),
  placeCall: compileCheck(Type.Object({ callId: Type.String({ minLength: 1, maxLength: 256 }) }), 'placeCall answer'),
  advanceClock: compileCheck(Type.Object({ now: Type.String({ maxLength: 64 }) }), 'advanceClock answer')
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
    advanceClock: async ms => checked(RESULTS.advanceClock, await send('advanceClock', { advanceMs: ms }))
  }
}
