import { rememberedJson } from './outbox.js'
import { ALREADY_BOUND, NOT_ACCEPTING_CLIENTS, NOT_BOUND, UNKNOWN_RESOURCE, UNKNOWN_SERVICE } from '../errors.js'
import type { ServiceDescription } from '../schemas/common.schema.js'
import type { ResourceEvent, ResourceEventBody, ServiceEvent } from '../schemas/protocol.schema.js'
import { resourceKey, type ClientRecord } from './client.js'
import type { Resource, Service } from './service.js'

/** A bound resource: its client, and its envelope head (`{"messageType":…,"resourceId":…`) once serialized at its first event. */
interface Binding {
  readonly client: ClientRecord
  head: string | undefined
}

export type ServiceChange = 'serviceAdded' | 'serviceRemoved' | 'serviceUpdated'
type ChangeListener = (change: ServiceChange, service: ServiceDescription) => void

/**
 * The services of this instance, who is bound to what, and the delivery of events to the bound
 * clients' outboxes. Binding rules live here: a client binds a service before its resources, and
 * a resource admits one bound client (its owner, when it has one).
 */
export class ServiceRegistry {
  readonly #services = new Map<string, Service>()
  readonly #serviceClients = new Map<string, Set<ClientRecord>>()
  /**
   * Who is bound to each resource, by service and then resource id: a two-level map, so that an
   * event's delivery looks up two strings that already know their hash instead of building (and
   * hashing) a key per event.
   */
  readonly #bindings = new Map<string, Map<string, Binding>>()
  readonly #listeners: ChangeListener[] = []
  readonly #dirty = new Set<string>()
  #flushQueued = false
  /** Bumped whenever a service is added, removed or changes (load, status): see listKey. */
  #version = 0
  /** Counts every event appended to an outbox (metrics). */
  eventsDelivered = 0

  add (service: Service): void {
    this.#services.set(service.id, service)
    this.#serviceClients.set(service.id, new Set())
    this.#version++
    this.#notify('serviceAdded', service)
  }

  remove (serviceId: string): void {
    const service = this.#services.get(serviceId)
    if (service === undefined) return
    for (const client of [...this.#serviceClients.get(serviceId) ?? []]) this.unbindService(client, serviceId)
    this.#services.delete(serviceId)
    this.#serviceClients.delete(serviceId)
    this.#version++
    this.#notify('serviceRemoved', service)
  }

  get (serviceId: string): Service {
    const service = this.#services.get(serviceId)
    if (service === undefined) throw new UNKNOWN_SERVICE(`no service with id ${serviceId}`)
    return service
  }

  describe (service: Service): ServiceDescription {
    const { status, acceptingClients } = service.availability()
    return {
      id: service.id,
      name: service.name,
      type: service.type,
      info: { ...service.info },
      serviceStatus: { status, acceptingClients, clientCount: this.#serviceClients.get(service.id)?.size ?? 0 }
    }
  }

  list (): ServiceDescription[] {
    return [...this.#services.values()].map(s => this.describe(s))
  }

  /**
   * Equal keys mean an equal `list()`, so an answer built from the list can be reused. The key
   * changes with every registry change and also with each service's availability, which a CTI
   * adapter's health can change without telling the registry.
   */
  listKey (): string {
    let key = String(this.#version)
    for (const service of this.#services.values()) {
      const { status, acceptingClients } = service.availability()
      key += acceptingClients ? `|${status}+` : `|${status}-`
    }
    return key
  }

  /** Listens to services being added, removed or updated (status or load). */
  onChange (listener: ChangeListener): void {
    this.#listeners.push(listener)
  }

  /** A service's status changed: tell the listeners (coalesced per tick). */
  changed (serviceId: string): void {
    if (!this.#services.has(serviceId)) return
    this.#version++
    this.#dirty.add(serviceId)
    if (this.#flushQueued) return
    this.#flushQueued = true
    queueMicrotask(() => {
      this.#flushQueued = false
      const ids = [...this.#dirty]
      this.#dirty.clear()
      for (const id of ids) {
        const service = this.#services.get(id)
        if (service !== undefined) this.#notify('serviceUpdated', service)
      }
    })
  }

  #notify (change: ServiceChange, service: Service): void {
    if (this.#listeners.length === 0) return
    const description = this.describe(service)
    for (const listener of this.#listeners) listener(change, description)
  }

  // ---- bindings -------------------------------------------------------------------------------

  bindService (client: ClientRecord, serviceId: string): Service {
    const service = this.get(serviceId)
    if (client.services.has(serviceId)) return service
    const { acceptingClients, status, reason } = service.availability()
    if (!acceptingClients) {
      const why = reason ?? (status === 'OutOfService' ? 'its CTI is unavailable' : undefined)
      throw new NOT_ACCEPTING_CLIENTS(`service ${service.name} is not accepting clients (${status}${why === undefined ? '' : `: ${why}`})`)
    }
    client.addService(serviceId)
    this.#serviceClients.get(serviceId)?.add(client)
    this.changed(serviceId)
    service.clientBound?.(client)
    return service
  }

  unbindService (client: ClientRecord, serviceId: string): void {
    const service = this.get(serviceId)
    if (!client.services.has(serviceId)) throw new NOT_BOUND(`not bound to service ${service.name}`)
    const prefix = resourceKey(serviceId, '')
    for (const key of [...client.resources]) {
      if (key.startsWith(prefix)) this.unbindResource(client, serviceId, key.slice(prefix.length))
    }
    client.deleteService(serviceId)
    this.#serviceClients.get(serviceId)?.delete(client)
    this.changed(serviceId)
  }

  /** The service, which the client must be bound to. */
  boundService (client: ClientRecord, serviceId: string): Service {
    const service = this.get(serviceId)
    if (!client.services.has(serviceId)) throw new NOT_BOUND(`bind service ${service.name} first`)
    return service
  }

  /** Finds a resource of a service the client is bound to. */
  resourceFor (client: ClientRecord, serviceId: string, resourceId: string): Resource {
    const service = this.boundService(client, serviceId)
    const resource = service.resource(resourceId)
    if (resource === undefined) throw new UNKNOWN_RESOURCE(`service ${service.name} has no resource ${resourceId}`)
    return resource
  }

  /** The resource, which must be bound by this client. */
  boundResource (client: ClientRecord, serviceId: string, resourceId: string): Resource {
    const resource = this.resourceFor(client, serviceId, resourceId)
    if (!client.resources.has(resourceKey(serviceId, resourceId))) {
      throw new NOT_BOUND(`not bound to resource ${resourceId}`)
    }
    return resource
  }

  bindResource (client: ClientRecord, serviceId: string, resourceId: string): Resource {
    const resource = this.resourceFor(client, serviceId, resourceId)
    const holder = this.#binding(serviceId, resourceId)?.client
    if (holder === client) return resource
    if (holder !== undefined) throw new ALREADY_BOUND(`resource ${resourceId} is bound by another client`)
    if (resource.owner !== undefined && resource.owner !== client.id) {
      throw new ALREADY_BOUND(`resource ${resourceId} belongs to another client`)
    }
    let bindings = this.#bindings.get(serviceId)
    if (bindings === undefined) this.#bindings.set(serviceId, bindings = new Map())
    bindings.set(resourceId, { client, head: undefined })
    client.addResource(resourceKey(serviceId, resourceId))
    resource.clientBound?.(client)
    return resource
  }

  unbindResource (client: ClientRecord, serviceId: string, resourceId: string): void {
    const resource = this.resourceFor(client, serviceId, resourceId)
    if (this.#binding(serviceId, resourceId)?.client !== client) throw new NOT_BOUND(`not bound to resource ${resourceId}`)
    this.#unbind(client, serviceId, resourceId)
    resource.clientUnbound?.(client)
  }

  /** A resource is gone: whoever was bound to it is not any more. */
  resourceRemoved (serviceId: string, resourceId: string): void {
    const client = this.#binding(serviceId, resourceId)?.client
    if (client !== undefined) this.#unbind(client, serviceId, resourceId)
  }

  boundClient (serviceId: string, resourceId: string): ClientRecord | undefined {
    return this.#binding(serviceId, resourceId)?.client
  }

  #binding (serviceId: string, resourceId: string): Binding | undefined {
    return this.#bindings.get(serviceId)?.get(resourceId)
  }

  #unbind (client: ClientRecord, serviceId: string, resourceId: string): void {
    const bindings = this.#bindings.get(serviceId)
    bindings?.delete(resourceId)
    if (bindings?.size === 0) this.#bindings.delete(serviceId)
    client.deleteResource(resourceKey(serviceId, resourceId))
  }

  /** Releases every binding a client holds (the client is closing or gone). */
  releaseClient (client: ClientRecord): void {
    for (const serviceId of [...client.services]) {
      if (this.#services.has(serviceId)) this.unbindService(client, serviceId)
    }
  }

  // ---- events ---------------------------------------------------------------------------------

  /** Delivers a resource event to the client bound to the resource; false when none is. */
  publishResource (serviceId: string, resourceId: string, event: ResourceEventBody): boolean {
    const binding = this.#binding(serviceId, resourceId)
    if (binding === undefined) return false
    const { client } = binding
    let head = binding.head
    if (head === undefined) {
      const envelope: Omit<ResourceEvent, 'event'> = { messageType: 'resourceEvent', serviceId, resourceId }
      head = binding.head = JSON.stringify(envelope).slice(0, -1)
    }
    const data = rememberedJson(event.data)
    let eventJson: string
    if (data !== undefined) {
      // The data (a capability list) was serialized once; the event is serialized without it
      // and the data spliced in as its last member, where JSON.stringify would put it.
      const { data: _data, ...rest } = event
      const inner = JSON.stringify(rest)
      eventJson = inner === '{}' ? `{"data":${data}}` : `${inner.slice(0, -1)},"data":${data}}`
    } else {
      eventJson = JSON.stringify(event)
    }
    // What JSON.stringify({ messageType, serviceId, resourceId, event }) gives.
    client.outbox.appendJson(event.name, `${head},"event":${eventJson}}`)
    this.eventsDelivered++
    return true
  }

  /** Delivers a service event to one client, or to every client bound to the service. */
  publishService (serviceId: string, event: ServiceEvent['event'], only?: ClientRecord): void {
    const envelope: ServiceEvent = { messageType: 'serviceEvent', serviceId, event }
    const targets = only !== undefined ? [only] : this.#serviceClients.get(serviceId) ?? []
    for (const client of targets) {
      client.outbox.append(event.eventType, envelope)
      this.eventsDelivered++
    }
  }
}
