import { Type, type Static, type TObject } from '@sinclair/typebox'
import { hostname } from 'node:os'
import { envSchema } from 'env-schema'
import { messageOf } from './errors.js'
import { projectPath } from './paths.js'

/**
 * Every setting the server reads from its environment, with its default. This schema is the one
 * place configuration is described: the type below, the validation at start-up and the README's
 * configuration table all come from it.
 */
export const ConfigSchema = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000, description: 'TCP port to listen on' }),
  HOST: Type.String({ minLength: 1, default: '127.0.0.1', description: 'interface to listen on' }),
  LOG_LEVEL: Type.Union([
    Type.Literal('fatal'), Type.Literal('error'), Type.Literal('warn'), Type.Literal('info'),
    Type.Literal('debug'), Type.Literal('trace'), Type.Literal('silent')
  ], { default: 'info', description: 'pino log level' }),
  LOG_FORMAT: Type.Union([Type.Literal('auto'), Type.Literal('json'), Type.Literal('pretty')], {
    default: 'auto', description: 'auto = pretty on a terminal, JSON lines otherwise'
  }),
  PROCESSOR_ID: Type.String({
    pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$',
    default: '6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f',
    description: 'the Interaction Processor service id (a stable UUID)'
  }),
  PROCESSOR_NAME: Type.String({
    pattern: '^[A-Za-z0-9_]{1,40}$',
    default: 'Simulator',
    description: 'the Interaction Processor name; session ids are <name>-<agentId>'
  }),
  INSTANCE_DOMAIN: Type.String({
    pattern: '^[A-Za-z0-9_.-]{1,64}$',
    default: 'default',
    description: 'the instance domain: instances with the same REDIS_URL and INSTANCE_DOMAIN serve one pool of agents (one session per agent among them); reported as instance-domain in the processor info'
  }),
  REDIS_URL: Type.String({
    pattern: '^$|^rediss?://\\S+$',
    default: '',
    description: 'the Redis of the instance domain (redis://host:port/db), e.g. redis://127.0.0.1:6379; empty: this instance alone, everything in memory'
  }),
  INSTANCE_ID: Type.String({
    pattern: '^$|^[A-Za-z0-9_.:@-]{1,100}$',
    default: '',
    description: 'this instance\'s name in the domain (confirm prompts and GET /domain name it); empty: <hostname>:<PORT>'
  }),
  PUBLIC_URL: Type.String({
    pattern: '^$|^https?://[^,\\s]+$',
    default: '',
    description: 'how media bars and the other instances reach this one (GET /domain lists it; CORS and the media bar\'s CSP allow the domain\'s); empty: http://<HOST>:<PORT> when HOST is one address'
  }),
  DOMAIN_LEASE_MS: Type.Integer({
    minimum: 1000,
    maximum: 600000,
    default: 6000,
    description: 'how long an instance\'s registration and its agents\' claims outlive its last renewal (renewed every third of it): a dead instance leaves GET /domain, and its agents can be logged in elsewhere without a takeover prompt, within this'
  }),
  MODELS_DIR: Type.String({ minLength: 1, default: projectPath('models'), description: 'folder of call models (*.json)' }),
  SIM_DIRECTORY_FILE: Type.String({
    minLength: 1,
    default: projectPath('src/cti/simulator/directory.json'),
    description: 'the simulator\'s agent directory, reason codes and queues'
  }),
  SIM_CLOCK: Type.Union([Type.Literal('real'), Type.Literal('manual')], {
    default: 'real', description: 'manual = the simulator clock only moves through POST /simulator/clock'
  }),
  SIM_LOGIN_DELAY_MS: Type.Integer({ minimum: 0, maximum: 60000, default: 300, description: 'simulated CTI login time' }),
  OUTBOX_SIZE: Type.Integer({
    minimum: 16,
    maximum: 100000,
    default: 1024,
    description: 'events each client keeps at most: what a client away or reading slowly can catch up on before it must resync'
  }),
  OUTBOX_REPLAY: Type.Integer({
    minimum: 0,
    maximum: 100000,
    default: 32,
    description: 'of the events already delivered, how many each client keeps for a reconnect (at most OUTBOX_SIZE)'
  }),
  HEAP_GROWTH_PERCENT: Type.Integer({
    minimum: 0,
    maximum: 1000,
    default: 50,
    description: 'how far past its live data the JS heap may grow before a full collection (0: V8 decides, up to 4x): lower keeps RSS near what is live, for more frequent collections'
  }),
  V8_PRETENURING: Type.Union([Type.Literal('on'), Type.Literal('off')], {
    default: 'off',
    description: 'V8\'s allocation-site pretenuring (its own default: on), set at start: on, every event an outbox held went straight to the old generation, which only a full collection empties'
  }),
  SSE_HEARTBEAT_MS: Type.Integer({ minimum: 100, maximum: 300000, default: 15000, description: 'SSE comment heartbeat interval' }),
  SSE_RETRY_MS: Type.Integer({ minimum: 100, maximum: 600000, default: 3000, description: 'reconnect delay advised to EventSource' }),
  SESSION_GRACE_MS: Type.Integer({
    minimum: 0,
    maximum: 86_400_000,
    default: 60000,
    description: 'how long an agent session outlives its client\'s lost event stream or socket before the agent is logged out (client_lost)'
  }),
  CLIENT_IDLE_MS: Type.Integer({
    minimum: 1000,
    maximum: 86_400_000,
    default: 1_800_000,
    description: 'a client that owns an agent session and has no event stream or socket is closed after this long without a request'
  }),
  WS_PING_INTERVAL_MS: Type.Integer({
    minimum: 50,
    maximum: 600000,
    default: 15000,
    description: 'WebSocket ping interval; a peer that has not answered the previous ping is dropped'
  }),
  WS_MAX_MESSAGE_BYTES: Type.Integer({
    minimum: 1024,
    maximum: 1_048_576,
    default: 65536,
    description: 'largest WebSocket message answered normally; larger ones get a coreError (over 1 MiB the socket closes, 1009)'
  }),
  MAX_CLIENTS: Type.Integer({ minimum: 1, default: 20000, description: 'client records this instance accepts' }),
  BODY_LIMIT: Type.Integer({ minimum: 1024, maximum: 10485760, default: 65536, description: 'largest request body in bytes' }),
  MEDIA_BAR_SERVERS: Type.String({
    pattern: '^$|^https?://[^,\\s]+(,\\s*https?://[^,\\s]+)*$',
    default: '',
    description: 'comma-separated base URLs of the instances the media bar at / chooses from (fewest clients wins); empty: this server only'
  }),
  CORS_ORIGINS: Type.String({
    pattern: '^$|^\\*$|^https?://[^,\\s]+(,\\s*https?://[^,\\s]+)*$',
    default: '',
    description: 'browser origins allowed to call this server (comma-separated, or `*`); set it when a media bar served by another instance lists this one; empty: same origin only'
  }),
  TRUST_PROXY: Type.String({
    pattern: '^$|^true$|^[0-9]{1,2}$|^[0-9A-Fa-f.:/]+(,\\s*[0-9A-Fa-f.:/]+)*$',
    default: '',
    description: 'reverse proxies whose X-Forwarded-For names the client: comma-separated addresses/CIDRs of the proxies, or a hop count; empty: the peer address is the source (per-source limits). `true` believes every X-Forwarded-For, so any client names its own source (a warning at start-up). A forwarded request is never loopback for the operator routes'
  }),
  ADMIN_TOKEN: Type.String({
    pattern: '^$|^\\S{16,}$',
    default: '',
    description: 'the operator credential (`Authorization: Bearer <token>`, 16 characters or more) for the operator routes (/simulator/*, /metrics); empty: those routes answer this machine only (a loopback peer, not forwarded, addressing localhost, 127.x.x.x or [::1], and no page of another origin)'
  }),
  SIM_CONTROL: Type.Union([Type.Literal('on'), Type.Literal('off')], {
    default: 'on', description: 'off removes the simulator\'s control routes (/simulator/*)'
  }),
  SIM_MAX_CALLS: Type.Integer({ minimum: 1, maximum: 5000, default: 500, description: 'calls the simulator holds at once; POST /simulator/calls beyond it answers RATE_LIMITED (with SIM_MAX_DATA_BYTES it bounds what GET /simulator/calls reads)' }),
  SIM_MAX_DATA_BYTES: Type.Integer({ minimum: 64, maximum: 65536, default: 4096, description: 'largest attached data of a simulated call, in bytes of JSON' }),
  SIM_MAX_QUEUE_MS: Type.Integer({ minimum: 1000, maximum: 86_400_000, default: 600000, description: 'a simulated caller who waits in a queue this long hangs up (abandons)' }),
  SIM_MAX_CHATS: Type.Integer({ minimum: 1, maximum: 5000, default: 500, description: 'chats the simulator holds at once (queued, offered, live or in wrap-up); POST /simulator/chats beyond it answers RATE_LIMITED' }),
  CHAT_MAX_PER_AGENT: Type.Integer({
    minimum: 0,
    maximum: 20,
    default: 3,
    description: 'the simulator\'s chat channel: how many chats an agent takes at once (offered, live or in wrap-up; voice stays one call); 0: the simulator offers no chat'
  }),
  CHAT_TRANSCRIPT_KEEP: Type.Integer({
    minimum: 1,
    maximum: 1000,
    default: 100,
    description: 'how many of a chat\'s last messages a snapshot keeps (the simulator\'s and the session\'s): what a takeover, reload, failover or transfer brings back'
  }),
  CLIENT_UNBOUND_MS: Type.Integer({
    minimum: 1000,
    maximum: 86_400_000,
    default: 60000,
    description: 'a client record that owns no agent session and has no event stream or socket open is closed after this long without a request, whatever services it bound'
  }),
  SOURCE_MAX_CLIENTS: Type.Integer({ minimum: 1, default: 500, description: 'client records one source address (an IPv6 /64) holds at most' }),
  SOURCE_CLIENTS_PER_MIN: Type.Integer({ minimum: 1, default: 300, description: 'client records one source address opens per minute at most' }),
  SOURCE_MAX_STREAMS: Type.Integer({ minimum: 1, default: 500, description: 'WebSockets and SSE event streams one source address holds open at most' }),
  RATE_LIMIT_PER_MIN: Type.Integer({ minimum: 0, default: 6000, description: 'HTTP requests one source address makes per minute (429 RATE_LIMITED past it); 0: no limit' }),
  LOGIN_FAILURES_PER_AGENT: Type.Integer({
    minimum: 1,
    maximum: 1000,
    default: 5,
    description: 'failed logins for one agent id from one source before that source is locked out of that id (LOCKED_OUT) for LOGIN_LOCKOUT_MS; other sources are not'
  }),
  LOGIN_FAILURES_PER_SOURCE: Type.Integer({
    minimum: 1,
    maximum: 100000,
    default: 10,
    description: 'failed logins one source makes (any agent ids) before each further attempt waits a doubling delay (1 s, 2 s, 4 s … up to LOGIN_LOCKOUT_MS; RATE_LIMITED before it)'
  }),
  LOGIN_LOCKOUT_MS: Type.Integer({ minimum: 1000, maximum: 86_400_000, default: 300000, description: 'how long failed logins are remembered after the last one, and the longest a source is held off between attempts' }),
  FRAME_ANCESTORS: Type.String({
    pattern: "^'none'$|^('self'|https?://[^,\\s]+)(\\s+('self'|https?://[^,\\s]+))*$",
    default: "'none'",
    description: 'who may frame the media bar and the API docs (CSP frame-ancestors): `\'none\'`, or `\'self\'` and origins separated by spaces, e.g. a CRM that embeds the bar'
  }),
  CTI_URL: Type.String({
    pattern: '^$|^wss?://\\S+$',
    default: '',
    description: 'the CTI connector to use over the bridge (docs/cti-bridge.md), e.g. ws://127.0.0.1:3100; empty: the simulator embedded in the server'
  }),
  CTI_BRIDGE_TOKEN: Type.String({
    maxLength: 1024,
    default: '',
    description: 'the shared secret the server sends in its hello (never logged); `npm run simulator` reads the same variable'
  }),
  CTI_REQUEST_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 300000, default: 5000, description: 'how long a request to the connector may take before it fails with TIMEOUT (and its error event); a later answer is logged and dropped' }),
  CTI_HEARTBEAT_MS: Type.Integer({ minimum: 100, maximum: 60000, default: 5000, description: 'bridge heartbeat interval (both ways); a connection silent for three intervals is dropped and reconnected' }),
  CTI_RECONNECT_MAX_MS: Type.Integer({ minimum: 100, maximum: 300000, default: 10000, description: 'the longest wait between attempts to reach the connector (the wait doubles from 250 ms)' }),
  CTI_MAX_MESSAGE_BYTES: Type.Integer({ minimum: 65536, maximum: 67108864, default: 4194304, description: 'largest bridge message taken from the connector; a larger one drops the connection (logged) and it is reconnected' }),
  HTTP_IDLE_TIMEOUT_MS: Type.Integer({
    minimum: 1000,
    maximum: 600000,
    default: 30000,
    description: 'a TCP connection that sends nothing this long is closed (before its first request, between requests, or in the middle of one); a request\'s headers and body must arrive within it. Event streams and WebSockets are not idle: they are checked by their heartbeats and pings'
  }),
  SOURCE_MAX_CONNECTIONS: Type.Integer({
    minimum: 0,
    default: 600,
    description: 'TCP connections one peer address (an IPv6 /64) holds open at most, event streams and WebSockets included (more than SOURCE_MAX_STREAMS); past it a new connection gets 429 RATE_LIMITED and is closed. Connections from a proxy TRUST_PROXY names are not counted; 0: no limit'
  }),
  WS_MESSAGES_PER_MIN: Type.Integer({
    minimum: 0,
    default: 6000,
    description: 'WebSocket messages one source address sends per minute, over all its sockets (a message past it is answered RATE_LIMITED with retryAfter, and not carried out); 0: no limit'
  }),
  LOAD_SHED_EVENT_LOOP_MS: Type.Integer({
    minimum: 0,
    maximum: 60000,
    default: 1000,
    description: 'event-loop delay past which new requests get 503 OVERLOADED with Retry-After (open streams keep flowing); 0: off'
  }),
  LOAD_SHED_HEAP_PERCENT: Type.Integer({
    minimum: 0,
    maximum: 100,
    default: 90,
    description: 'heap use, in percent of the V8 heap limit, past which new requests get 503 OVERLOADED; 0: off'
  }),
})

export type Config = Readonly<Static<typeof ConfigSchema>>

/** This instance's id in the domain: INSTANCE_ID, or <hostname>:<PORT>. */
export function instanceIdOf (config: Config): string {
  return config.INSTANCE_ID !== '' ? config.INSTANCE_ID : `${hostname()}:${config.PORT}`
}

/** How others reach this instance: PUBLIC_URL, or http://<HOST>:<PORT> when HOST is one address ('' otherwise). */
export function publicUrlOf (config: Config): string {
  if (config.PUBLIC_URL !== '') return config.PUBLIC_URL.replace(/\/+$/, '')
  if (config.PORT === 0 || config.HOST === '0.0.0.0' || config.HOST === '::') return ''
  return `http://${config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST}:${config.PORT}`
}

/**
 * Parses and validates the configuration once. `env` is the environment to read (process.env in
 * production, a plain object in tests). Throws an Error naming every bad variable.
 */
export function loadConfig (env: Record<string, string | undefined> = process.env): Config {
  const config = loadSettings(ConfigSchema, env)
  try {
    checkTogether(config)
  } catch (err) {
    throw new Error(`invalid configuration: ${messageOf(err)}`)
  }
  return config
}

/** Reads the variables of `schema` from `env` (blank is unset), with their defaults; throws naming every bad one. */
export function loadSettings<S extends TObject> (schema: S, env: Record<string, string | undefined>): Readonly<Static<S>> {
  const data: Record<string, string> = {}
  for (const key of Object.keys(schema.properties)) {
    const value = env[key]
    if (value !== undefined && value !== '') data[key] = value
  }
  try {
    const parsed = envSchema<Static<S>>({
      schema: structuredClone(schema),
      data,
      env: false,
      dotenv: false
    })
    return Object.freeze(parsed)
  } catch (err) {
    throw new Error(`invalid configuration: ${messageOf(err)}`)
  }
}

/** Rules between settings, which the schema cannot say. */
function checkTogether (config: Static<typeof ConfigSchema>): void {
  const { SOURCE_MAX_CONNECTIONS: connections, SOURCE_MAX_STREAMS: streams } = config
  if (connections !== 0 && connections <= streams) {
    throw new Error(`SOURCE_MAX_CONNECTIONS (${connections}) must be more than SOURCE_MAX_STREAMS (${streams}): every event stream and WebSocket is a connection (or 0: no limit)`)
  }
  for (const source of config.FRAME_ANCESTORS.split(/\s+/)) {
    // A wildcard source (https://*.example.com, http://localhost:*) is CSP's, not a URL: left to the browser.
    if (!source.startsWith('http') || source.includes('*') || URL.canParse(source)) continue
    throw new Error(`FRAME_ANCESTORS: ${JSON.stringify(source)} is not a URL (an origin such as https://crm.example.com)`)
  }
}

/** A comma-separated list of base URLs or origins (MEDIA_BAR_SERVERS, CORS_ORIGINS): trimmed, no trailing slash. */
export function urlList (value: string): string[] {
  return value.split(',').map(s => s.trim().replace(/\/+$/, '')).filter(s => s !== '')
}

/**
 * The origins an embedding page may have, from FRAME_ANCESTORS: each http(s) source as
 * `new URL(x).origin`, `'self'` as it is (the page's own origin, which only the page knows);
 * none for `'none'`. A source with a wildcard (`https://*.example.com`) may frame the bar but is
 * no origin: it is left out (the media bar talks to exact origins only).
 */
export function frameOrigins (value: string): string[] {
  const origins = new Set<string>()
  for (const source of value.trim().split(/\s+/)) {
    if (source === "'self'") origins.add(source)
    else if (/^https?:\/\//.test(source) && !source.includes('*') && URL.canParse(source)) origins.add(new URL(source).origin)
  }
  return [...origins]
}

/** Builds a configuration for tests and tools: defaults plus the given overrides. */
export function configWith (overrides: Partial<Record<keyof Config, string | number>> = {}): Config {
  const env: Record<string, string> = {}
  for (const [key, value] of Object.entries(overrides)) env[key] = String(value)
  return loadConfig(env)
}
