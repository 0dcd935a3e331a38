import { readFileSync } from 'node:fs'
import t from 'tap'
import SwaggerParser from '@apidevtools/swagger-parser'
import { Parser as AsyncApiParser } from '@asyncapi/parser'
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import { parse } from 'yaml'
import { projectPath } from '../src/paths.js'
import { EVENT_CATALOGUE } from '../src/schemas/events.schema.js'
import { ASYNCAPI_FILE, generateAsyncApi } from '../scripts/asyncapi.js'
import { OPENAPI_FILE } from '../scripts/openapi.js'
import { build } from './helpers/app.js'

type Json = Record<string, any>
const spec = parse(readFileSync(OPENAPI_FILE, 'utf8')) as Json
const METHODS = ['get', 'post', 'put', 'delete', 'patch']

/** Every operation of the spec: [method, path, operation]. */
function operations (): Array<[string, string, Json]> {
  const out: Array<[string, string, Json]> = []
  for (const [path, item] of Object.entries(spec.paths as Json)) {
    for (const method of METHODS) if (item[method] !== undefined) out.push([method, path, item[method]])
  }
  return out
}

t.test('openapi.yaml is a valid OpenAPI 3.1 document (swagger-parser)', async t => {
  const api = await SwaggerParser.validate(structuredClone(spec) as never) as Json
  t.equal(api.openapi, '3.1.0')
  t.ok(Object.keys(api.paths).length >= 20)
})

t.test('every operation: a tag, a summary, a unique operationId, described answers, failures with the failure body', async t => {
  const ids = new Set<string>()
  for (const [method, path, op] of operations()) {
    const where = `${method.toUpperCase()} ${path}`
    t.ok(Array.isArray(op.tags) && op.tags.length > 0, `${where}: tagged`)
    t.type(op.summary, 'string', `${where}: a summary`)
    t.type(op.operationId, 'string', `${where}: an operationId`)
    t.notOk(ids.has(op.operationId), `${where}: operationId ${String(op.operationId)} is unique`)
    ids.add(op.operationId)
    for (const [status, response] of Object.entries(op.responses as Json)) {
      t.notMatch(response.description, /^Default Response$/, `${where} ${status}: described`)
      const schema = response.content?.['application/json']?.schema
      // 409 of prepareSession is also `confirm` (a ServiceAnswer), and /health answers 503 with its report.
      const other = (status === '409' && ['/services/{serviceId}/sessions', '/services/{serviceId}/requests'].includes(path)) || (path === '/health' && status === '503')
      if (Number(status) >= 400 && !other) t.equal(schema?.$ref, '#/components/schemas/FailureAnswer', `${where} ${status}: the failure body`)
      if (other && status === '409') t.equal(schema?.$ref, '#/components/schemas/ServiceAnswer', `${where} 409: confirm or failure`)
    }
    const needsToken = op.responses['401'] !== undefined
    const operator = path === '/metrics' || path.startsWith('/simulator/')
    if (operator) t.same(op.security, [{ operatorToken: [] }], `${where}: an operator route (ADMIN_TOKEN, or loopback)`)
    else if (needsToken && path !== '/clients') t.same(op.security, [{ clientToken: [] }], `${where}: needs the client token`)
  }
  t.ok(ids.size >= 22, `${ids.size} operations`)
})

t.test('every operation shows an example: of its request body or of its answer', async t => {
  const components = spec.components.schemas as Json
  const hasExample = (schema: Json | undefined): boolean => {
    if (schema === undefined) return false
    if (Array.isArray(schema.examples) && schema.examples.length > 0) return true
    if (typeof schema.$ref === 'string') return hasExample(components[schema.$ref.split('/').pop() as string])
    return Array.isArray(schema.oneOf ?? schema.anyOf) && (schema.oneOf ?? schema.anyOf).every(hasExample)
  }
  for (const [method, path, op] of operations()) {
    const media = Object.values((op.requestBody?.content ?? {}) as Json)[0] as Json | undefined
    const statuses = Object.keys(op.responses as Json).sort()
    const ok = (op.responses as Json)[statuses.find(s => Number(s) < 300) ?? statuses[0] as string] as Json | undefined
    const answer = Object.values((ok?.content ?? {}) as Json)[0] as Json | undefined
    t.ok(hasExample(media?.schema) || media?.example !== undefined || hasExample(answer?.schema),
      `${method.toUpperCase()} ${path}: an example`)
  }
})

t.test('every example in the spec is valid against its own schema', async t => {
  const ajv = new Ajv2020({ strict: false, allErrors: false })
  addFormats.default(ajv)
  const components = spec.components.schemas as Json
  const document = { $id: 'spec', components: { schemas: components } }
  ajv.addSchema(document)
  let checked = 0
  for (const [name, schema] of Object.entries(components)) {
    for (const [i, example] of ((schema.examples ?? []) as unknown[]).entries()) {
      const validate = ajv.getSchema(`spec#/components/schemas/${name}`)
      t.ok(validate?.(example), `${name} example ${i + 1}: ${JSON.stringify(validate?.errors?.[0] ?? '')}`)
      checked++
    }
  }
  t.ok(checked >= 35, `${checked} examples checked`)
})

t.test('the event stream is documented as text/event-stream of the envelope schemas; the WebSocket points to the catalogue', async t => {
  const stream = spec.paths['/clients/{clientId}/events'].get
  const media = stream.responses['200'].content['text/event-stream']
  t.same(media.schema.anyOf.map((s: Json) => s.$ref), ['ResourceEvent', 'ServiceEvent', 'CoreEvent'].map(n => `#/components/schemas/${n}`))
  t.same(stream.parameters.map((p: Json) => `${String(p.in)}:${String(p.name)}`).sort(), ['header:last-event-id', 'path:clientId', 'query:lastEventId', 'query:names', 'query:token'])
  const ws = spec.paths['/ws'].get
  t.match(ws.description, /asyncapi\.yaml/)
})

t.test('Swagger UI at /docs; the spec at /openapi.yaml and /openapi.json, the same as the committed file', async t => {
  const { app } = await build(t)
  const docs = await app.inject('/docs/')
  t.equal(docs.statusCode, 200)
  t.match(docs.body, /swagger-ui/i)
  const yaml = await app.inject('/openapi.yaml')
  t.equal(yaml.statusCode, 200)
  t.match(yaml.headers['content-type'], /^application\/yaml/)
  t.equal(yaml.body, readFileSync(OPENAPI_FILE, 'utf8'))
  const json = await app.inject('/openapi.json')
  t.equal(json.statusCode, 200)
  t.same(JSON.parse(json.body), spec)
})

t.test('asyncapi.yaml: generated from the schemas, valid AsyncAPI 3 (the AsyncAPI parser), with every catalogued event', async t => {
  const text = readFileSync(ASYNCAPI_FILE, 'utf8')
  t.equal(text, generateAsyncApi(), 'asyncapi.yaml is what the schemas generate (run npm run openapi after changing one)')
  const { document, diagnostics } = await new AsyncApiParser().parse(text)
  t.ok(document, 'parsed')
  t.same(diagnostics.filter(d => d.severity <= 1).map(d => `${d.code}: ${d.message} at ${d.path.join('/')}`), [], 'no errors or warnings')
  const parsed = parse(text) as Json
  t.equal(parsed.asyncapi, '3.1.0')
  const names = Object.values(parsed.components.messages as Json).map((m: Json) => m.name as string)
  for (const entry of EVENT_CATALOGUE) t.ok(names.includes(entry.name), `the catalogue's ${entry.name} (${entry.scope}) is a message`)
  for (const m of ['CoreRequest', 'ServiceRequest', 'ResourceRequest', 'CoreResponse', 'ServiceResponse', 'ResourceResponse', 'CoreError', 'ServiceEvent', 'CoreEvent']) {
    t.ok(names.includes(m), `${m} is a message`)
  }
  t.same(Object.keys(parsed.operations), ['handleRequest', 'sendEvent', 'streamEvent'])
})

t.test('the typed client\'s types are what openapi-typescript generates from openapi.yaml (npm run client)', async t => {
  const { generate } = await import(projectPath('scripts/codegen/generate.mjs')) as { generate: (spec?: string) => Promise<string> }
  t.equal(readFileSync(projectPath('test/generated/openapi.d.ts'), 'utf8'), await generate())
})
