import t from 'tap'
import { NetstringDecoder, encodeNetstring } from '../../src/cti/sip/netstring.js'

t.test('netstrings: frames across chunks, several in one, UTF-8 lengths in bytes', async t => {
  const frames: string[] = []
  const problems: string[] = []
  const d = new NetstringDecoder(f => frames.push(f), p => problems.push(p))
  const bytes = Buffer.concat([encodeNetstring('{"a":1}'), encodeNetstring('héllo'), encodeNetstring('')])
  t.equal(encodeNetstring('héllo').toString(), '6:héllo,', 'the length counts bytes')
  for (const byte of bytes) d.push(Buffer.from([byte]))
  t.same(frames, ['{"a":1}', 'héllo', ''])
  t.same(problems, [])
})

t.test('netstrings: what is not one is a broken peer, never a hang or a crash', async t => {
  const cases: Array<[string, RegExp]> = [
    ['abc:xyz,', /does not start with its length/],
    ['3:abcX', /does not end with a comma/],
    ['99999999:', /a frame of 99999999 bytes/],
    ['12345678901', /no length prefix/]
  ]
  for (const [input, problem] of cases) {
    const problems: string[] = []
    const frames: string[] = []
    const d = new NetstringDecoder(f => frames.push(f), p => problems.push(p), 1024)
    d.push(Buffer.from(input))
    t.match(problems, [problem], JSON.stringify(input))
    t.same(frames, [])
  }
})
