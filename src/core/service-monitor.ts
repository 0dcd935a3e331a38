import type { ClientRecord } from './client.js'
import type { Availability, Resource, Service } from './service.js'
import type { ServiceRegistry } from './service-registry.js'

export const SERVICE_MONITOR_ID = 'ServiceMonitor'
export const SERVICE_MONITOR_TYPE = 'com.openmethods.iserver.monitor'

/**
 * The Service Monitor: binding it yields `serviceList` (every service) first, then
 * `serviceAdded`, `serviceRemoved` and `serviceUpdated` as services change or their load moves.
 */
export class ServiceMonitor implements Service {
  readonly id = SERVICE_MONITOR_ID
  readonly name = SERVICE_MONITOR_ID
  readonly type = SERVICE_MONITOR_TYPE
  readonly info: Readonly<Record<string, string>>
  readonly #registry: ServiceRegistry
  #availability: Availability = { status: 'InService', acceptingClients: true }

  constructor (registry: ServiceRegistry, version: string) {
    this.#registry = registry
    this.info = { vendor: 'his-cti-server', version }
    registry.onChange((change, service) => {
      // A change of the monitor's own client count is not news to anyone.
      if (service.id === this.id && change === 'serviceUpdated') return
      registry.publishService(this.id, { eventType: change, service })
    })
  }

  availability (): Availability {
    return this.#availability
  }

  setAvailability (availability: Availability): void {
    this.#availability = availability
    this.#registry.changed(this.id)
  }

  resource (): Resource | undefined {
    return undefined
  }

  clientBound (client: ClientRecord): void {
    this.#registry.publishService(this.id, { eventType: 'serviceList', services: this.#registry.list() }, client)
  }
}
