import type { ClientRecord } from './client.js'
import type { ServiceStatusName } from '../schemas/common.schema.js'
import type { ResourceEventBody, ServiceAnswer } from '../schemas/protocol.schema.js'

/** What a service or resource knows about the request it is running. */
export interface RequestContext {
  readonly client: ClientRecord
  readonly requestId?: string
}

/** A service's own view of its availability; the registry adds the client count. */
export interface Availability {
  status: ServiceStatusName
  acceptingClients: boolean
  /** Why it takes no clients, when its status does not say (the NOT_ACCEPTING_CLIENTS message). */
  reason?: string
}

/** The answer of a successful (or confirm) service request, without the envelope. */
export type ServiceResult = Omit<ServiceAnswer, 'command' | 'failure'>

/** What a resource request returns when it succeeds: the target it acted on, and data. */
export interface ResourceResult {
  target: string
  data?: unknown
}

/**
 * A long-lived endpoint (docs/protocol.md, Objects). Services throw catalogued errors (src/errors.ts) for
 * failures; the dispatcher turns them into failure answers.
 */
export interface Service {
  readonly id: string
  readonly name: string
  readonly type: string
  readonly info: Readonly<Record<string, string>>
  availability: () => Availability
  /** Runs a service request. Absent: the service has no requests (UNKNOWN_COMMAND). */
  request?: (ctx: RequestContext, command: string, data: unknown) => Promise<ServiceResult>
  resource: (id: string) => Resource | undefined
  /** Called after a client has bound (the Service Monitor sends its serviceList here). */
  clientBound?: (client: ClientRecord) => void
}

/** A dynamic object owned by a service, such as an agent session. */
export interface Resource {
  readonly id: string
  readonly name: string
  readonly type: string
  /** The one client allowed to bind it, when the resource belongs to a client. */
  readonly owner: string | undefined
  request: (ctx: RequestContext, command: string, target: string | undefined, data: unknown) => Promise<ResourceResult>
  /** The resource's current state, for GET …/resources/{id}. */
  snapshot: () => unknown
  /** Called after a client has bound it (the workflow session sends its current views here). */
  clientBound?: (client: ClientRecord) => void
  clientUnbound?: (client: ClientRecord) => void
}

/** How resources publish events: returns false when no client is bound to receive it. */
export type ResourceEventSink = (event: ResourceEventBody) => boolean
