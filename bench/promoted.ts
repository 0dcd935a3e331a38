// What outlives the scavenges: V8's sampling heap profiler, through a server's inspector, keeping
// the samples of objects a full collection took (or that are still alive) and leaving out the
// ones a scavenge took. Those are the bytes that fill the old generation, whether promoted by
// surviving two scavenges or allocated there directly (pretenured), which V8's own "promoted"
// figure does not count. Run a bench with the server under an inspector, then this during its
// window:
//   BENCH_NODE_ARGS=--inspect=127.0.0.1:9229 node --expose-gc build/bench/run.js --only gc --agents 2000 &
//   node build/bench/promoted.js [--port 9229] [--seconds 30] [--interval 4096] [--top 25]
// Prints the bytes by allocating function and by stack (six frames); the whole profile goes to
// promoted.heapprofile in the working directory (Chrome DevTools, Memory, loads it).
import { writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import WebSocket from 'ws'

interface CallFrame { functionName: string, url: string, lineNumber: number }
interface ProfileNode { callFrame: CallFrame, selfSize: number, children: ProfileNode[] }

async function main (): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '9229' },
      seconds: { type: 'string', default: '30' },
      interval: { type: 'string', default: '4096' },
      top: { type: 'string', default: '25' }
    }
  })
  const targets = await (await fetch(`http://127.0.0.1:${values.port}/json/list`)).json() as Array<{ webSocketDebuggerUrl: string }>
  const url = targets[0]?.webSocketDebuggerUrl
  if (url === undefined) throw new Error(`no inspector target on port ${values.port}`)
  const ws = new WebSocket(url)
  await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject) })
  let id = 0
  const pending = new Map<number, { resolve: (result: unknown) => void, reject: (err: Error) => void }>()
  ws.on('message', (raw: Buffer) => {
    const message = JSON.parse(raw.toString()) as { id?: number, result?: unknown, error?: { message: string } }
    const waiting = message.id === undefined ? undefined : pending.get(message.id)
    if (waiting === undefined || message.id === undefined) return
    pending.delete(message.id)
    if (message.error !== undefined) waiting.reject(new Error(message.error.message))
    else waiting.resolve(message.result)
  })
  const call = async <T = unknown>(method: string, params: object = {}): Promise<T> => await new Promise<T>((resolve, reject) => {
    pending.set(++id, { resolve: resolve as (result: unknown) => void, reject })
    ws.send(JSON.stringify({ id, method, params }))
  })
  await call('HeapProfiler.enable')
  await call('HeapProfiler.startSampling', { samplingInterval: Number(values.interval), includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: false })
  await new Promise(resolve => setTimeout(resolve, Number(values.seconds) * 1000))
  const { profile } = await call<{ profile: { head: ProfileNode } }>('HeapProfiler.stopSampling')
  ws.close()
  writeFileSync('promoted.heapprofile', JSON.stringify(profile))

  const name = (f: CallFrame): string => `${f.functionName === '' ? '(anonymous)' : f.functionName} ${f.url.replace(/.*\/(build|node_modules)\//, '')}:${f.lineNumber + 1}`
  const byFunction = new Map<string, number>()
  const byStack = new Map<string, number>()
  let total = 0
  const walk = (node: ProfileNode, stack: string[]): void => {
    const here = [...stack, name(node.callFrame)]
    if (node.selfSize > 0) {
      total += node.selfSize
      const fn = here[here.length - 1] as string
      byFunction.set(fn, (byFunction.get(fn) ?? 0) + node.selfSize)
      const path = here.slice(-6).reverse().join(' < ')
      byStack.set(path, (byStack.get(path) ?? 0) + node.selfSize)
    }
    for (const child of node.children) walk(child, here)
  }
  walk(profile.head, [])
  const top = (m: Map<string, number>): string => [...m].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top))
    .map(([what, bytes]) => `${(100 * bytes / total).toFixed(1).padStart(5)} % ${(bytes / 1e6).toFixed(2).padStart(8)} MB  ${what}`).join('\n')
  console.log(`outlived the scavenges (sampled): ${(total / 1e6).toFixed(1)} MB in ${values.seconds} s, ${(total / 1e6 / Number(values.seconds)).toFixed(2)} MB/s\n`)
  console.log(`by allocating function:\n${top(byFunction)}\n\nby stack:\n${top(byStack)}`)
}

await main()
