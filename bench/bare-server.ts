// The baseline of the HTTP benchmark: a bare fastify (same version, same logger level as the
// server under test, no schemas, no hooks) answering each route with a fixed payload of the size
// the real server answers. Started by bench/http.ts with the payloads in a JSON file.
import { readFileSync } from 'node:fs'
import Fastify from 'fastify'

const payloads = JSON.parse(readFileSync(process.argv[2] as string, 'utf8')) as Record<string, unknown>
const app = Fastify({ logger: { level: 'warn' } })
app.get('/services', async () => payloads.services)
app.post('/requests', async () => payloads.request)
app.post('/sessions', async (_request, reply) => reply.code(201).send(payloads.session))
await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' })
// A graceful stop on SIGTERM, as the server under test has (and --cpu-prof writes its profile).
process.once('SIGTERM', () => { void app.close().then(() => process.exit(0)) })
