import { readFileSync } from 'node:fs'
import t from 'tap'
import { projectPath } from '../../src/paths.js'
import { build } from '../helpers/app.js'
import { WsPeer, type Message } from '../helpers/ws.js'

// docs/protocol.md: the real wire trace of a media bar logging in (seeds/002), replayed over the
// socket message for message: the same requests (ids, processor id, model, credentials), and the
// answers and events the real server sent, in the same order.
const fixture = JSON.parse(readFileSync(projectPath('test/fixtures/trace-002.json'), 'utf8')) as {
  messages: Array<{ kind: 'request' | 'response', message: Message }>
  workflowEvents: { afterWorkflowBind: { event: Message }, afterSessionStarted: { message: Message } }
}

t.test('the real trace replayed over the WebSocket', async t => {
  const { clock, listen } = await build(t, {
    PROCESSOR_ID: 'e70f36a4-982f-47e2-9420-780ebe581f36',
    PROCESSOR_NAME: 'PureCloud',
    MODELS_DIR: projectPath('test/fixtures/trace-models'),
    SIM_DIRECTORY_FILE: projectPath('test/fixtures/trace-directory.json'),
    // The trace is of a voice-only deployment (its models have no chat views).
    CHAT_MAX_PER_AGENT: '0'
  })
  const bar = await WsPeer.connect(await listen())
  t.teardown(() => { bar.close() })

  const pairs: Array<[Message, Message]> = []
  for (let i = 0; i < fixture.messages.length; i += 2) {
    const request = fixture.messages[i]
    const response = fixture.messages[i + 1]
    if (request?.kind !== 'request' || response?.kind !== 'response') throw new Error('fixture out of order')
    pairs.push([request.message, response.message])
  }
  t.equal(pairs.length, 6, 'bindService ×2, getCapabilities, prepareSession, bindResource ×2')

  for (const [request, expected] of pairs) {
    const { answer, before } = await bar.request(request)
    const what = String(request.command ?? request.request?.command)
    switch (what) {
      case 'getCapabilities':
        t.same(Object.keys(answer).sort(), Object.keys(expected).sort(), 'getCapabilities: the trace\'s envelope fields')
        t.match(answer, { messageType: 'serviceResponse', requestId: expected.requestId, serviceId: expected.serviceId, response: { command: 'getCapabilities', result: 'success' } })
        for (const key of Object.keys(expected.response.data)) t.type(answer.response.data[key], 'string', `getCapabilities has ${key}`)
        break
      case 'prepareSession': {
        const { password, ...agent } = expected.response.data.agent
        void password
        const data = { ...expected.response.data, agent }
        const { resumeToken, ...response } = answer.response
        t.match(resumeToken, /^[A-Za-z0-9_-]{43}$/, 'prepareSession: the session\'s resume credential')
        t.same({ ...answer, response }, {
          ...expected,
          response: {
            ...expected.response,
            resource: { ...expected.response.resource, data },
            data,
            workflow: { serviceId: 'WorkflowManager', resourceId: 'PureCloud-rajat1' }
          }
        }, 'prepareSession: the trace\'s answer, without the password the real server echoed, plus the workflow reference, resource.data (seed 004) and the resume credential')
        break
      }
      default:
        t.same(answer, expected, `${what}: exactly the trace's answer`)
    }
    if (what === 'bindResource' && request.serviceId === 'WorkflowManager') {
      t.same(before, [{
        messageType: 'resourceEvent',
        serviceId: 'WorkflowManager',
        resourceId: 'PureCloud-rajat1',
        event: fixture.workflowEvents.afterWorkflowBind.event,
        eventId: 1
      }], 'binding the workflow session: its view state.updated comes before the answer, as in the trace')
    } else {
      t.same(before, [], `${what}: no event before the answer`)
    }
  }

  // The CTI login completes.
  clock.advance(100)
  const started = await bar.next()
  t.match(started, { messageType: 'resourceEvent', serviceId: 'e70f36a4-982f-47e2-9420-780ebe581f36', resourceId: 'PureCloud-rajat1', event: { name: 'session.started', target: 'PureCloud-rajat1' }, eventId: 2 })
  t.same(await bar.next(), { ...fixture.workflowEvents.afterSessionStarted.message, eventId: 3 }, 'then exactly the trace\'s logged_in view')
  t.match(await bar.next(), { event: { name: 'channel.activated' }, eventId: 4 })
  t.match(await bar.next(), { event: { name: 'state.updated', data: { state: 'not_ready' } }, eventId: 5 })
})
