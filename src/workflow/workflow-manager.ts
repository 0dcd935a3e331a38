import { UNKNOWN_MODEL } from '../errors.js'
import type { Availability, Resource, Service } from '../core/service.js'
import type { ServiceRegistry } from '../core/service-registry.js'
import type { CompiledModel } from './call-model.js'
import { WorkflowSession } from './workflow-session.js'

export const WORKFLOW_MANAGER_ID = 'WorkflowManager'
export const WORKFLOW_MANAGER_TYPE = 'com.openmethods.iserver.workflow.manager'

/**
 * The Workflow Manager service: it has no service requests; it holds one workflow session per
 * agent session, created by the Interaction Processor in prepareSession.
 */
export class WorkflowManager implements Service {
  readonly id = WORKFLOW_MANAGER_ID
  readonly name = WORKFLOW_MANAGER_ID
  readonly type = WORKFLOW_MANAGER_TYPE
  readonly info: Readonly<Record<string, string>>
  readonly models: ReadonlyMap<string, CompiledModel>
  readonly #registry: ServiceRegistry
  readonly #sessions = new Map<string, WorkflowSession>()
  #availability: Availability = { status: 'InService', acceptingClients: true }

  constructor (registry: ServiceRegistry, models: ReadonlyMap<string, CompiledModel>, version: string) {
    this.#registry = registry
    this.models = models
    this.info = { vendor: 'his-cti-server', version }
  }

  availability (): Availability {
    return this.#availability
  }

  setAvailability (availability: Availability): void {
    this.#availability = availability
    this.#registry.changed(this.id)
  }

  get sessionCount (): number {
    return this.#sessions.size
  }

  resource (id: string): Resource | undefined {
    return this.#sessions.get(id)
  }

  session (id: string): WorkflowSession | undefined {
    return this.#sessions.get(id)
  }

  /** The model a prepareSession asked for: blank or missing means `default`. */
  model (name: string | undefined): CompiledModel {
    const wanted = name === undefined || name.trim() === '' ? 'default' : name
    const model = this.models.get(wanted)
    if (model === undefined) {
      throw new UNKNOWN_MODEL(`no call model named ${JSON.stringify(wanted)}; available: ${[...this.models.keys()].join(', ')}`)
    }
    return model
  }

  createSession (id: string, model: CompiledModel, owner: string | undefined): WorkflowSession {
    const session = new WorkflowSession(id, model, owner, event => this.#registry.publishResource(this.id, id, event))
    this.#sessions.set(id, session)
    return session
  }

  destroySession (id: string): void {
    if (this.#sessions.delete(id)) this.#registry.resourceRemoved(this.id, id)
  }
}
