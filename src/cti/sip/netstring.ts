/**
 * Netstrings (`<length>:<bytes>,`), the framing of both kamailio's evapi and baresip's ctrl_tcp.
 * A peer that sends something else, or a frame past `maxBytes`, is broken: `onError` says so
 * and the caller drops the connection.
 */
export function encodeNetstring (text: string): Buffer {
  const payload = Buffer.from(text, 'utf8')
  return Buffer.concat([Buffer.from(`${payload.length}:`), payload, Buffer.from(',')])
}

export class NetstringDecoder {
  #buffer: Buffer = Buffer.alloc(0)
  readonly #maxBytes: number
  readonly #onFrame: (text: string) => void
  readonly #onError: (problem: string) => void

  constructor (onFrame: (text: string) => void, onError: (problem: string) => void, maxBytes = 1024 * 1024) {
    this.#onFrame = onFrame
    this.#onError = onError
    this.#maxBytes = maxBytes
  }

  push (chunk: Buffer): void {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk])
    for (;;) {
      const colon = this.#buffer.indexOf(0x3a)
      if (colon === -1) {
        if (this.#buffer.length > 10) this.#fail('no length prefix')
        return
      }
      const digits = this.#buffer.subarray(0, colon).toString('latin1')
      if (!/^[0-9]{1,9}$/.test(digits)) {
        this.#fail('a frame does not start with its length')
        return
      }
      const length = Number(digits)
      if (length > this.#maxBytes) {
        this.#fail(`a frame of ${length} bytes (the limit is ${this.#maxBytes})`)
        return
      }
      const end = colon + 1 + length
      if (this.#buffer.length < end + 1) return
      if (this.#buffer[end] !== 0x2c) {
        this.#fail('a frame does not end with a comma')
        return
      }
      const text = this.#buffer.subarray(colon + 1, end).toString('utf8')
      this.#buffer = this.#buffer.subarray(end + 1)
      this.#onFrame(text)
    }
  }

  #fail (problem: string): void {
    this.#buffer = Buffer.alloc(0)
    this.#onError(problem)
  }
}
