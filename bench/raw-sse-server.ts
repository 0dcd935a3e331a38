// The baseline of the event-path benchmark: a minimal node:http SSE writer. It holds one stream
// per agent and, when the driver "places a call" (POST /call/<i>) or "hangs up" (DELETE
// /call/<i>), writes the frames our server sent for the same step (recorded templates) to
// that agent's stream, with its own ids. No framework, no plugin, no state machine.
import { readFileSync } from 'node:fs'
import { createServer, type ServerResponse } from 'node:http'

const templates = JSON.parse(readFileSync(process.argv[2] as string, 'utf8')) as { offer: string[], hangup: string[] }
const streams = new Map<string, { res: ServerResponse, id: number }>()

function write (key: string, frames: string[]): void {
  const stream = streams.get(key)
  if (stream === undefined) return
  let out = ''
  for (const data of frames) out += `id:${++stream.id}\ndata:${data}\n\n`
  stream.res.write(out)
}

const server = createServer((req, res) => {
  const [, kind, key] = (req.url ?? '/').split('?')[0]?.split('/') ?? []
  if (kind === 'events' && key !== undefined) {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
    res.write('retry: 3000\n\n')
    streams.set(key, { res, id: 0 })
    req.on('close', () => { streams.delete(key) })
    return
  }
  if (kind === 'call' && key !== undefined) {
    req.resume()
    req.on('end', () => {
      if (req.method === 'POST') {
        write(key, templates.offer)
        res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ result: 'success', callId: `raw-${key}` }))
      } else {
        write(key, templates.hangup)
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"result":"success"}')
      }
    })
    return
  }
  res.writeHead(200, { 'content-type': 'text/plain' }).end('raw sse writer')
})
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1')
