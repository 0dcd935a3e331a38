import t from 'tap'
import createClient from 'openapi-fetch'
import type { paths } from './generated/openapi.js'
import { startServer } from './helpers/process.js'

// A client generated from openapi.yaml (openapi-typescript + openapi-fetch) runs the agent login
// against a live server. The calls below are type-checked against the generated types when the
// tests compile, so a spec that drifts from what clients need breaks this test at build time;
// and the answers are checked at run time, so a spec that lies about the server breaks it too.
t.test('a client generated from openapi.yaml logs an agent in against a live server', async t => {
  const server = await startServer({ SIM_CLOCK: 'manual' })
  t.teardown(async () => { await server.stop() })
  const api = createClient<paths>({ baseUrl: server.base })

  const services = await api.GET('/services')
  t.equal(services.response.status, 200)
  const processor = services.data?.data.services.find(s => s.type === 'com.openmethods.iserver.processor')
  if (processor === undefined) throw new Error('no processor')
  t.equal(processor.serviceStatus.status, 'InService')

  const opened = await api.POST('/clients', { body: { name: 'generated client' } })
  t.equal(opened.response.status, 201)
  if (opened.data === undefined) throw new Error('no client')
  const auth = { authorization: `Bearer ${opened.data.token}` }
  const serviceId = processor.id

  for (const id of [serviceId, 'WorkflowManager']) {
    const bound = await api.POST('/services/{serviceId}/binding', { params: { path: { serviceId: id } }, headers: auth })
    t.equal(bound.data?.result, 'success', `bindService ${id}`)
  }

  // A failure the spec documents: wrong credentials, 401 with the failure body.
  const refused = await api.POST('/services/{serviceId}/sessions', {
    params: { path: { serviceId } },
    headers: auth,
    body: { agent: { id: 'agent1', password: 'not-it' } }
  })
  t.equal(refused.response.status, 401)
  t.equal(refused.error?.result, 'failure')
  t.equal(refused.error?.failure?.code, 'AUTH_FAILED')

  const prepared = await api.POST('/services/{serviceId}/sessions', {
    params: { path: { serviceId } },
    headers: auth,
    body: { agent: { id: 'agent1', password: 'demo-pass-1' }, model: '', override: true }
  })
  t.equal(prepared.response.status, 201)
  const resourceId = prepared.data?.resource?.id
  if (resourceId === undefined) throw new Error('no session')
  t.equal(prepared.data?.workflow?.resourceId, resourceId)

  for (const id of [serviceId, 'WorkflowManager']) {
    const bound = await api.POST('/services/{serviceId}/resources/{resourceId}/binding', { params: { path: { serviceId: id, resourceId } }, headers: auth })
    t.equal(bound.data?.resourceName, resourceId)
  }
  const clock = await api.POST('/simulator/clock', { body: { advanceMs: 1000 } })
  t.equal(clock.data?.result, 'success', 'the CTI login completes on the simulator clock')

  const ready = await api.POST('/services/{serviceId}/resources/{resourceId}/requests', {
    params: { path: { serviceId, resourceId } },
    headers: auth,
    body: { command: 'session.ready', requestId: 'contract-1' }
  })
  t.match(ready.data, { command: 'session.ready', result: 'success', requestId: 'contract-1' })

  const again = await api.POST('/services/{serviceId}/resources/{resourceId}/requests', {
    params: { path: { serviceId, resourceId } },
    headers: auth,
    body: { command: 'session.ready' }
  })
  t.equal(again.response.status, 409, 'a disabled button: INVALID_STATE, as documented')
  t.equal(again.error?.failure?.code, 'INVALID_STATE')

  const snapshot = await api.GET('/services/{serviceId}/resources/{resourceId}', { params: { path: { serviceId, resourceId } }, headers: auth })
  t.match(snapshot.data, { result: 'success', resource: { id: resourceId }, data: { session: { state: 'ready' } } })

  const closed = await api.DELETE('/clients/{clientId}', { params: { path: { clientId: opened.data.clientId } }, headers: auth })
  t.equal(closed.data?.result, 'success')
})
