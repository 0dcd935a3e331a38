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
import { Inspector } from './inspector.js'

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
  const inspector = await Inspector.connect(Number(values.port))
  const call = inspector.call.bind(inspector)
  await call('HeapProfiler.enable')
  await call('HeapProfiler.startSampling', { samplingInterval: Number(values.interval), includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: false })
  await new Promise(resolve => setTimeout(resolve, Number(values.seconds) * 1000))
  const { profile } = await call<{ profile: { head: ProfileNode } }>('HeapProfiler.stopSampling')
  inspector.close()
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
