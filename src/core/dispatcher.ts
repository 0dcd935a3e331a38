import { INVALID_MESSAGE, UNKNOWN_COMMAND, toFailure } from '../errors.js'
import type { Failure } from '../schemas/failures.js'
import {
  CoreRequestSchema, ResourceRequestSchema, ServiceRequestSchema, type CoreError, type CoreRequest, type CoreResponse,
  type ProtocolAnswer, type ResourceAnswer, type ResourceRequest, type ServiceAnswer, type ServiceRequest,
  type SnapshotAnswer as SnapshotAnswerBody
} from '../schemas/protocol.schema.js'
import { compileCheck } from './check.js'
import type { ClientRecord } from './client.js'
import type { Logger } from './logger.js'
import { withoutSecrets } from './redact.js'
import type { ServiceRegistry } from './service-registry.js'

/** A core request, whichever face carried it. */
export type CoreCall = Pick<CoreRequest, 'command' | 'serviceId' | 'resourceId' | 'requestId'>
/** A service request: its service, and the request itself. */
export type ServiceCall = Pick<ServiceRequest, 'serviceId' | 'requestId'> & ServiceRequest['request']
/** A resource request: its resource, and the request itself. */
export type ResourceCall = Pick<ResourceRequest, 'serviceId' | 'resourceId' | 'requestId'> & ResourceRequest['request']
/** A resource's snapshot (GET …/resources/{id}), or why there is none. */
export type SnapshotAnswer = SnapshotAnswerBody | { result: 'failure', failure: Failure }

const coreRequest = compileCheck(CoreRequestSchema)
const serviceRequest = compileCheck(ServiceRequestSchema)
const resourceRequest = compileCheck(ResourceRequestSchema)

/**
 * Takes protocol requests from a client (whatever carried them) and returns the protocol answer.
 * Each client's requests run strictly in arrival order. Every failure is an answer with a
 * catalogued code, never a thrown error, so both faces report it the same way.
 */
export class Dispatcher {
  readonly #registry: ServiceRegistry
  readonly #log: Logger

  constructor (registry: ServiceRegistry, log: Logger) {
    this.#registry = registry
    this.#log = log
  }

  async core (client: ClientRecord, call: CoreCall): Promise<CoreResponse> {
    return await client.run(() => this.#core(client, call))
  }

  async service (client: ClientRecord, call: ServiceCall): Promise<ServiceAnswer> {
    return await client.run(async () => await this.#service(client, call))
  }

  async resource (client: ClientRecord, call: ResourceCall): Promise<ResourceAnswer> {
    return await client.run(async () => await this.#resource(client, call))
  }

  async snapshot (client: ClientRecord, serviceId: string, resourceId: string): Promise<SnapshotAnswer> {
    return await client.run(() => {
      try {
        const resource = this.#registry.boundResource(client, serviceId, resourceId)
        return {
          result: 'success' as const,
          resource: { id: resource.id, name: resource.name, type: resource.type, serviceId },
          data: resource.snapshot()
        }
      } catch (err) {
        return { result: 'failure' as const, failure: this.#failure(err, client, 'snapshot') }
      }
    })
  }

  /**
   * A whole protocol message, as a WebSocket delivers it (already parsed from JSON). Returns the
   * answer envelope; a message that is not a request gets a coreError.
   */
  async handle (client: ClientRecord, message: unknown): Promise<ProtocolAnswer> {
    const requestId = requestIdOf(message)
    const messageType: unknown = message !== null && typeof message === 'object' ? Reflect.get(message, 'messageType') : undefined
    try {
      switch (messageType) {
        case 'coreRequest':
          return await this.core(client, coreRequest.parse(message))
        case 'serviceRequest': {
          const { serviceId, request } = serviceRequest.parse(message)
          const response = await this.service(client, { serviceId, requestId, ...request })
          return { messageType: 'serviceResponse', ...(requestId !== undefined && { requestId }), serviceId, response }
        }
        case 'resourceRequest': {
          const { serviceId, resourceId, request } = resourceRequest.parse(message)
          const response = await this.resource(client, { serviceId, resourceId, requestId, ...request })
          return { messageType: 'resourceResponse', ...(requestId !== undefined && { requestId }), serviceId, resourceId, response }
        }
        default:
          throw new INVALID_MESSAGE(messageType === undefined
            ? 'messageType is missing'
            : 'unknown messageType; expected coreRequest, serviceRequest or resourceRequest')
      }
    } catch (err) {
      return this.refusal(client, requestId, err)
    }
  }

  /** The coreError for a message that cannot be run (`err`: why). */
  refusal (client: ClientRecord | undefined, requestId: string | undefined, err: unknown): CoreError {
    return { messageType: 'coreError', ...(requestId !== undefined && { requestId }), failure: this.#failure(err, client, 'message') }
  }

  #core (client: ClientRecord, call: CoreCall): CoreResponse {
    const { command, serviceId, resourceId, requestId } = call
    const answer: CoreResponse = {
      messageType: 'coreResponse',
      ...(requestId !== undefined && { requestId }),
      command,
      ...(serviceId !== undefined && { serviceId }),
      ...(resourceId !== undefined && { resourceId }),
      result: 'success'
    }
    try {
      switch (command) {
        case 'getServices':
          answer.data = { services: this.#registry.list() }
          break
        case 'bindService': {
          const service = this.#registry.bindService(client, need(serviceId, 'serviceId', command))
          answer.serviceName = service.name
          answer.serviceType = service.type
          break
        }
        case 'unbindService':
          this.#registry.unbindService(client, need(serviceId, 'serviceId', command))
          break
        case 'bindResource': {
          const resource = this.#registry.bindResource(client, need(serviceId, 'serviceId', command), need(resourceId, 'resourceId', command))
          answer.resourceName = resource.name
          answer.resourceType = resource.type
          break
        }
        case 'unbindResource':
          this.#registry.unbindResource(client, need(serviceId, 'serviceId', command), need(resourceId, 'resourceId', command))
          break
        default:
          throw new UNKNOWN_COMMAND(`unknown core command ${JSON.stringify(command)}`)
      }
      this.#log.debug({ clientId: client.id, command, serviceId, resourceId }, 'core request done')
      return answer
    } catch (err) {
      return { ...answer, result: 'failure', failure: this.#failure(err, client, command) }
    }
  }

  async #service (client: ClientRecord, call: ServiceCall): Promise<ServiceAnswer> {
    const { command, serviceId, data } = call
    try {
      const service = this.#registry.boundService(client, serviceId)
      if (service.request === undefined) throw new UNKNOWN_COMMAND(`service ${service.name} has no requests`)
      const result = await service.request({ client, requestId: call.requestId }, command, data)
      this.#log.debug({ clientId: client.id, serviceId, command, result: result.result }, 'service request done')
      return { command, ...result }
    } catch (err) {
      return { command, result: 'failure', failure: this.#failure(err, client, command), original: withoutSecrets({ command, data }) }
    }
  }

  async #resource (client: ClientRecord, call: ResourceCall): Promise<ResourceAnswer> {
    const { command, serviceId, resourceId, target, data } = call
    try {
      const resource = this.#registry.boundResource(client, serviceId, resourceId)
      const result = await resource.request({ client, requestId: call.requestId }, command, target, data)
      this.#log.debug({ clientId: client.id, resourceId, command, target: result.target }, 'resource request done')
      return { command, target: result.target, result: 'success', ...(result.data !== undefined && { data: result.data }) }
    } catch (err) {
      return {
        command,
        ...(target !== undefined && { target }),
        result: 'failure',
        failure: this.#failure(err, client, command),
        original: withoutSecrets({ command, target, data })
      }
    }
  }

  #failure (err: unknown, client: ClientRecord | undefined, command: string): Failure {
    const failure = toFailure(err)
    if (failure.code === 'INTERNAL') {
      this.#log.error({ err, clientId: client?.id, command }, 'request failed unexpectedly')
    } else {
      this.#log.debug({ clientId: client?.id, command, code: failure.code }, 'request refused')
    }
    return failure
  }
}

function need (value: string | undefined, field: string, command: string): string {
  if (value === undefined || value === '') throw new INVALID_MESSAGE(`${command} needs ${field}`)
  return value
}

/** The `requestId` of a message, when it has a usable one (echoed in whatever answers it). */
export function requestIdOf (message: unknown): string | undefined {
  if (message === null || typeof message !== 'object') return undefined
  const id: unknown = Reflect.get(message, 'requestId')
  return typeof id === 'string' && id.length <= 128 ? id : undefined
}
