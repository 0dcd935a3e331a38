import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { UNSUPPORTED } from '../src/errors.js'
import { ManualClock } from '../src/core/clock.js'
import { ANY_ROUTE, SimAgentsAnswerSchema, SimClockAnswerSchema, SimClockBodySchema, answers } from '../src/schemas/rest.schema.js'

/** Control of the built-in simulator: look at agents, move a manual clock. */
const simulator: FastifyPluginAsyncTypebox = async (app) => {
  const { his } = app

  app.get('/simulator/agents', {
    schema: {
      tags: ['simulator'],
      summary: 'Simulated agents with their extension and state',
      description: 'The simulator\'s agent directory and each agent\'s current state. Passwords are never shown.',
      response: answers({ 200: Type.Ref(SimAgentsAnswerSchema) }, ...ANY_ROUTE)
    }
  }, async () => {
    return { result: 'success' as const, agents: his.simulator.agents() }
  })

  app.post('/simulator/clock', {
    schema: {
      tags: ['simulator'],
      summary: 'Advance the simulator clock (SIM_CLOCK=manual only)',
      description: 'With SIM_CLOCK=manual the simulator\'s time (login delay, ring-no-answer, wrap-up) only moves through this route.',
      body: Type.Ref(SimClockBodySchema),
      response: answers({ 200: Type.Ref(SimClockAnswerSchema) }, ...ANY_ROUTE, 'UNSUPPORTED')
    }
  }, async (request) => {
    const clock = his.clock
    if (!(clock instanceof ManualClock)) throw new UNSUPPORTED('the simulator clock runs in real time; start the server with SIM_CLOCK=manual')
    clock.advance(request.body.advanceMs)
    return { result: 'success' as const, now: new Date(clock.now()).toISOString() }
  })
}

export default simulator
