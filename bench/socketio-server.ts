// The socket.io peer of the event-path benchmark: what an integrator would otherwise reach for.
// Like raw-sse-server.ts it holds one connection per agent (socket.io over the WebSocket
// transport only, no polling; the client names its agent in the handshake's `auth`) and, when the
// driver "places a call" (POST /call/<i>) or "hangs up" (DELETE /call/<i>), sends the frames our
// server sent for the same step (the same recorded templates) to that agent, with its own ids.
//
// How it batches, to keep the comparison fair: one `emit('event', id, data)` per canned frame,
// all the frames of one step emitted in the same tick. So, like our WebSocket face, every event
// is its own WebSocket message; like the raw writer's one write per step, the step goes out
// together (engine.io sends the first packet at once and the rest of the tick's packets in one
// batch when that write is done). socket.io is used as it ships: its packet framing, its JSON
// encoding of the arguments (the canned frame is a string, so encoding escapes it once), its
// heartbeats; no compression (perMessageDeflate off, as the driver's WebSocket clients ask for).
import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { Server, type Socket } from 'socket.io'

const templates = JSON.parse(readFileSync(process.argv[2] as string, 'utf8')) as { offer: string[], hangup: string[] }
const sockets = new Map<string, { socket: Socket, id: number }>()

function emit (key: string, frames: string[]): void {
  const peer = sockets.get(key)
  if (peer === undefined) return
  for (const data of frames) peer.socket.emit('event', ++peer.id, data)
}

const server = createServer((req, res) => {
  const [, kind, key] = (req.url ?? '/').split('?')[0]?.split('/') ?? []
  if (kind === 'call' && key !== undefined) {
    req.resume()
    req.on('end', () => {
      if (req.method === 'POST') {
        emit(key, templates.offer)
        res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ result: 'success', callId: `socketio-${key}` }))
      } else {
        emit(key, templates.hangup)
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"result":"success"}')
      }
    })
    return
  }
  res.writeHead(200, { 'content-type': 'text/plain' }).end('socket.io writer')
})

const io = new Server(server, { transports: ['websocket'], perMessageDeflate: false, httpCompression: false, serveClient: false })
io.on('connection', socket => {
  const key = String(socket.handshake.auth.agent)
  sockets.set(key, { socket, id: 0 })
  socket.on('disconnect', () => { if (sockets.get(key)?.socket === socket) sockets.delete(key) })
})
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1')
