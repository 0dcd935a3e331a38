import type { CloseReason, TransportKind } from '../core/client.js'

/**
 * What each close reason means on the wire, in one table (docs/protocol.md, Closing): the words
 * of the `shutdown` coreEvent both faces send first (SSE: `event: shutdown`), and the WebSocket
 * close code that follows it.
 */
export const CLOSE_TABLE = {
  /** The server is shutting down: reconnect (to another instance if need be). */
  shutdown: { code: 1001, words: 'server shutting down' },
  /** Another socket or stream took this client over (a resume elsewhere, a newer stream). */
  replaced: { code: 4001, words: 'replaced by a newer stream of this client' },
  /** The client record was closed or expired. */
  client_closed: { code: 4002, words: 'client closed' },
  /** The peer read too slowly; its events wait in the outbox for a resume. */
  slow_consumer: { code: 4003, words: 'reading too slowly; resume to get the rest' },
  /** No client record could be opened for the socket (full, or shutting down): try another instance. */
  not_accepting: { code: 1013, words: 'this instance is not accepting clients' },
  /** The peer's source holds as many sockets and streams as it may (SOURCE_MAX_STREAMS): close one first. */
  over_limit: { code: 1013, words: 'too many WebSockets and event streams from this source' }
} as const satisfies Record<CloseReason, { code: number, words: string }>

/** The words a peer reads for `reason` (a takeover names what took the client over). */
export function closeWords (reason: CloseReason, by?: TransportKind): string {
  if (reason === 'replaced' && by !== undefined) return `replaced by a newer ${by === 'ws' ? 'WebSocket' : 'stream'} of this client`
  return CLOSE_TABLE[reason].words
}
