import type { CoreEvent } from '../schemas/protocol.schema.js'

/**
 * The coreEvents about the event stream itself (docs/protocol.md, Stream events), serialized
 * here for both faces: SSE sends them as `data:`, the WebSocket as a text frame.
 */
export function shutdownFrame (reason: string): string {
  const event: CoreEvent = { messageType: 'coreEvent', event: { name: 'shutdown', data: { reason } } }
  return JSON.stringify(event)
}

/** The events after `lastEventId` are gone (`oldest` … `latest` are held): re-read the snapshots. */
export function resyncFrame (lastEventId: number, oldest: number, latest: number): string {
  const event: CoreEvent = { messageType: 'coreEvent', event: { name: 'resync', data: { lastEventId, oldest, latest } } }
  return JSON.stringify(event)
}
