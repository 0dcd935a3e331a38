import { join } from 'node:path'
import { instanceIdOf, publicUrlOf, type Config } from './config.js'
import { ClientRegistry } from './core/client.js'
import { ManualClock, SystemClock, type Clock } from './core/clock.js'
import { Dispatcher } from './core/dispatcher.js'
import { LoginThrottle } from './core/login-throttle.js'
import type { Logger } from './core/logger.js'
import { UNSUPPORTED } from './errors.js'
import { Presence } from './core/presence.js'
import { ServiceMonitor } from './core/service-monitor.js'
import { ServiceRegistry } from './core/service-registry.js'
import { SourceLimits } from './core/sources.js'
import { BridgeCti } from './cti/bridge-client.js'
import type { CtiPort } from './cti/port.js'
import { createSimulator } from './cti/simulator/connector.js'
import { SIMULATOR_CONTROLS, localControl, remoteControl, type SimulatorControl } from './cti/simulator/control.js'
import type { Simulator } from './cti/simulator/simulator.js'
import { LocalDomain, type Domain } from './domain/domain.js'
import { RedisDomain } from './domain/redis-domain.js'
import { InteractionProcessor, offersChat } from './processor/interaction-processor.js'
import { VERSION } from './version.js'
import { CallModelError, hasChatViews, loadCallModels } from './workflow/call-model.js'
import { WorkflowManager } from './workflow/workflow-manager.js'

/** Everything one server instance holds, framework-free. */
export interface Instance {
  readonly config: Config
  readonly clock: Clock
  /**
   * The transports' time (WebSocket pings): real time even when SIM_CLOCK=manual stops the
   * contact center's, so moving that clock never drops a socket. Tests inject their own.
   */
  readonly transportClock: Clock
  readonly clients: ClientRegistry
  /** What each source address holds and opens (client records, sockets and streams). */
  readonly sources: SourceLimits
  readonly registry: ServiceRegistry
  readonly dispatcher: Dispatcher
  readonly monitor: ServiceMonitor
  readonly workflow: WorkflowManager
  readonly processor: InteractionProcessor
  /** The CTI adapter the processor speaks to: the embedded simulator, or the bridge to CTI_URL. */
  readonly cti: CtiPort
  /** The embedded simulator; undefined with CTI_URL (the simulator is a connector process then). */
  readonly simulator: Simulator | undefined
  /**
   * The simulator's operator controls (/simulator/*), embedded or across the bridge; undefined
   * when the CTI has none (a connector to a real platform, or one not connected now).
   */
  control: () => SimulatorControl | undefined
  readonly presence: Presence
  /** The instance domain: this instance alone in memory, or with REDIS_URL the domain in Redis. */
  readonly domain: Domain
  /** Reaches the connector (CTI_URL): resolves after the first attempt, whatever came of it. */
  start: () => Promise<void>
  /** Marks every service Stopping: no new client records, bindings or sessions. */
  stop: () => void
  /** Ends every session and stops the simulator's timers. */
  close: () => Promise<void>
}

export interface InstanceOptions {
  log: Logger
  /** Overrides the clock SIM_CLOCK would choose (tests pass a ManualClock). */
  clock?: Clock
  /** Overrides the transports' real-time clock (tests pass a ManualClock). */
  transportClock?: Clock
}

/**
 * Builds an instance from its configuration: loads and compiles the call models and the
 * simulator's directory (throwing, with the file and path, when either is broken), then wires
 * the registry, the three services and the dispatcher.
 */
export function createInstance (config: Config, options: InstanceOptions): Instance {
  const { log } = options
  const clock = options.clock ?? (config.SIM_CLOCK === 'manual' ? new ManualClock(Date.now()) : new SystemClock())
  const transportClock = options.transportClock ?? new SystemClock()
  const models = loadCallModels(config.MODELS_DIR)
  const { cti, simulator, bridge } = chooseCti(config, clock, log)
  // A CTI that offers chat needs every model's chat views: the embedded simulator says so now
  // (a connector's capabilities come later; prepareSession refuses such a model then).
  if (simulator !== undefined && offersChat(simulator.capabilities())) {
    for (const model of models.values()) {
      if (!hasChatViews(model)) {
        simulator.close()
        throw new CallModelError(join(config.MODELS_DIR, `${model.name}.json`), '/views', 'the simulator offers chat (CHAT_MAX_PER_AGENT > 0) but this model has no chat views (chat and chatChannel): add them, extend the default model, or set CHAT_MAX_PER_AGENT=0')
      }
    }
  }
  const embeddedControl = simulator === undefined ? undefined : localControl(simulator, clock)
  // A connector may take some of the controls only (the SIP connector: no clock, no chat): the
  // others are UNSUPPORTED, named, before anything is sent.
  const bridgeControl = bridge === undefined
    ? undefined
    : remoteControl(async (name, args) => {
      if (!bridge.controls.includes(name)) throw new UNSUPPORTED(`the CTI connector has no ${name} control (it takes ${bridge.controls.join(', ')})`)
      return await bridge.control(name, args)
    })
  const domain = chooseDomain(config, log)
  const sources = new SourceLimits({
    maxClients: config.SOURCE_MAX_CLIENTS,
    clientsPerMinute: config.SOURCE_CLIENTS_PER_MIN,
    maxStreams: config.SOURCE_MAX_STREAMS
  }, clock)
  const clients = new ClientRegistry({ outbox: { size: config.OUTBOX_SIZE, replay: config.OUTBOX_REPLAY }, maxClients: config.MAX_CLIENTS, sources, clock })
  const registry = new ServiceRegistry()
  const monitor = new ServiceMonitor(registry, VERSION)
  const workflow = new WorkflowManager(registry, models, VERSION)
  const processor = new InteractionProcessor({
    id: config.PROCESSOR_ID,
    name: config.PROCESSOR_NAME,
    version: VERSION,
    instanceDomain: config.INSTANCE_DOMAIN,
    cti,
    workflow,
    registry,
    log: log.child({ component: 'processor' }),
    logins: new LoginThrottle({
      perAgent: config.LOGIN_FAILURES_PER_AGENT,
      perSource: config.LOGIN_FAILURES_PER_SOURCE,
      lockoutMs: config.LOGIN_LOCKOUT_MS
    }, clock, log.child({ component: 'logins' }), domain.loginCounts(clock)),
    now: () => clock.now(),
    ownerPresent: clientId => clients.get(clientId) !== undefined,
    domain,
    transcriptKeep: config.CHAT_TRANSCRIPT_KEEP
  })
  domain.report({
    load: () => {
      const { status, acceptingClients } = processor.availability()
      return { status, acceptingClients, clientCount: clients.size, sessions: processor.sessionCount }
    },
    claims: () => processor.heldClaims(),
    lost: claim => { processor.claimLost(claim) }
  })
  registry.add(monitor)
  registry.add(processor)
  registry.add(workflow)
  const dispatcher = new Dispatcher(registry, log.child({ component: 'dispatcher' }))
  const presence = new Presence(clock, clients, registry, { graceMs: config.SESSION_GRACE_MS, idleMs: config.CLIENT_IDLE_MS, unboundMs: config.CLIENT_UNBOUND_MS }, {
    away: (clientId, deadline) => { processor.ownerAway(clientId, deadline) },
    back: clientId => { processor.ownerBack(clientId) },
    gone: async (clientId, reason) => { await processor.ownerGone(clientId, reason) },
    owns: clientId => processor.ownsSessions(clientId)
  }, log.child({ component: 'presence' }))

  return {
    config,
    clock,
    transportClock,
    clients,
    sources,
    registry,
    dispatcher,
    monitor,
    workflow,
    processor,
    cti,
    simulator,
    control: () => embeddedControl ?? (bridge !== undefined && SIMULATOR_CONTROLS.some(name => bridge.controls.includes(name)) ? bridgeControl : undefined),
    presence,
    domain,
    async start () {
      await Promise.all([bridge?.start(), domain.start()])
    },
    stop () {
      clients.stopAccepting()
      processor.stop()
      workflow.setAvailability({ status: 'Stopping', acceptingClients: false })
      monitor.setAvailability({ status: 'Stopping', acceptingClients: false })
    },
    async close () {
      presence.close()
      await processor.destroyAll('shutdown')
      await domain.close()
      cti.close()
      for (const c of [clock, transportClock]) if (c instanceof SystemClock) c.clearAll()
    }
  }
}

/** The domain: with REDIS_URL shared in Redis, else this instance alone. */
function chooseDomain (config: Config, log: Logger): Domain {
  const common = { name: config.INSTANCE_DOMAIN, instanceId: instanceIdOf(config) }
  const resumeMs = Math.max(config.SESSION_GRACE_MS, config.DOMAIN_LEASE_MS)
  if (config.REDIS_URL === '') return new LocalDomain({ ...common, url: publicUrlOf(config), resumeMs })
  return new RedisDomain({
    ...common,
    url: config.REDIS_URL,
    publicUrl: publicUrlOf(config),
    leaseMs: config.DOMAIN_LEASE_MS,
    resumeMs,
    log: log.child({ component: 'domain' })
  })
}

/** The CTI: the simulator embedded, or with CTI_URL the bridge to a connector process. */
function chooseCti (config: Config, clock: Clock, log: Logger): { cti: CtiPort, simulator?: Simulator, bridge?: BridgeCti } {
  if (config.CTI_URL === '') {
    const simulator = createSimulator(config, clock, log.child({ component: 'simulator' }))
    return { cti: simulator, simulator }
  }
  const bridge = new BridgeCti({
    url: config.CTI_URL,
    token: config.CTI_BRIDGE_TOKEN,
    timeoutMs: config.CTI_REQUEST_TIMEOUT_MS,
    heartbeatMs: config.CTI_HEARTBEAT_MS,
    reconnectMaxMs: config.CTI_RECONNECT_MAX_MS,
    maxMessageBytes: config.CTI_MAX_MESSAGE_BYTES,
    server: { vendor: 'his-cti-server', version: VERSION, instance: `${config.INSTANCE_DOMAIN}/${config.PROCESSOR_NAME}` },
    log: log.child({ component: 'bridge' })
  })
  return { cti: bridge, bridge }
}
