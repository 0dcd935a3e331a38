// Generated from openapi.yaml by scripts/codegen/generate.mjs (openapi-typescript). Do not edit.
export interface paths {
    "/clients": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Open a client record
         * @description Everything a REST client binds and every event it receives hangs off its client record. The token is shown once. The body is optional. Each source address holds and opens a limited share of records (SOURCE_MAX_CLIENTS, SOURCE_CLIENTS_PER_MIN: 429 RATE_LIMITED with Retry-After); a record that owns no agent session and has no event stream or socket open is closed after CLIENT_UNBOUND_MS without a request, whatever it bound. A browser page of an origin that may not use this server (not its own, not one CORS_ORIGINS names) is refused: 403 AUTH_FAILED, as every request that changes state.
         */
        post: operations["openClient"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/clients/{clientId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Close a client record
         * @description Unbinds everything the client holds, ends its agent sessions (the agents are logged out, reason client_closed) and forgets it.
         */
        delete: operations["closeClient"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/clients/{clientId}/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The client's event stream (Server-Sent Events)
         * @description Every event addressed to the client: `id` is the outbox sequence number, `event` the inner event name, `data` the whole envelope as one JSON line. Reconnect with `Last-Event-ID` (or `?lastEventId=`) to resume; when the gap is gone the stream sends `event: resync` and the client re-reads the snapshots.
         */
        get: operations["eventStream"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/domain": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The instances of the domain, with their load
         * @description Public: a media bar reads it to choose the least-loaded instance that accepts clients, and again to fail over when its instance is gone (docs/protocol.md, The domain). Without REDIS_URL the domain is this instance alone. An instance leaves the list when it stops, or DOMAIN_LEASE_MS after its last renewal when it died. While Redis cannot be reached, `available` is false and only this instance is listed.
         */
        get: operations["getDomain"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Health of the instance
         * @description 200 while the instance is in service; 503 while it is stopping, its CTI is unavailable, or its domain's Redis cannot be reached.
         */
        get: operations["health"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/mediabar/config": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The media bar's settings
         * @description Which servers the media bar at `/` chooses from (MEDIA_BAR_SERVERS), and whether this page may use the simulator's control routes (the simulator runs, SIM_CONTROL is on, and the page is an operator's: loopback when no ADMIN_TOKEN is set); which embedding pages it talks to with postMessage (FRAME_ANCESTORS; README, Embedding the media bar).
         */
        get: operations["mediaBarConfig"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Metrics in Prometheus text format */
        get: operations["metrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/openapi.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** This OpenAPI document, as JSON */
        get: operations["openapiJson"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/openapi.yaml": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** This OpenAPI document, as YAML */
        get: operations["openapiYaml"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/services": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * getServices: every service with its status and load
         * @description Public: media bars read `status`, `acceptingClients` and `clientCount` of every instance before login and pick the least-loaded one that accepts clients.
         */
        get: operations["getServices"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/services/{serviceId}/binding": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * bindService
         * @description Binding entitles the client to the service's requests and events. Binding the ServiceMonitor yields `serviceList` first.
         */
        post: operations["bindService"];
        /**
         * unbindService
         * @description Also unbinds the service's resources this client holds.
         */
        delete: operations["unbindService"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/services/{serviceId}/capabilities": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * getCapabilities of an Interaction Processor
         * @description String key/values: channel support, the call models offered, the request categories, the not-ready reason codes.
         */
        get: operations["getCapabilities"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/services/{serviceId}/requests": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A service request ({command, data})
         * @description The generic form of every service request (getCapabilities, prepareSession …). Needs a binding to the service.
         */
        post: operations["serviceRequest"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/services/{serviceId}/resources/{resourceId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A resource snapshot
         * @description Processor session: the session, its channels, interactions and conversations. Workflow session: every view's state and capabilities. Clients re-read these after `resync`. Needs a binding to the resource.
         */
        get: operations["getResource"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/services/{serviceId}/resources/{resourceId}/binding": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * bindResource
         * @description A session resource admits one bound client. Binding the workflow session sends its current views as `state.updated`.
         */
        post: operations["bindResource"];
        /** unbindResource */
        delete: operations["unbindResource"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/services/{serviceId}/resources/{resourceId}/requests": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A session request (session.login, session.ready, conversation.hold …)
         * @description The commands of docs/protocol.md (Session requests). `target` defaults to the session. Success means the request was carried out; the state changes arrive as events. A request whose capability is disabled in the current view is refused with INVALID_STATE. Interaction requests (and channel.dial) also produce one result event, `interaction.<action>.done` or `error.interaction.<action>`, carrying `requestid`.
         */
        post: operations["resourceRequest"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/services/{serviceId}/sessions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * prepareSession: create an agent session
         * @description Checks the agent's credentials, creates the session resource and the workflow session (same id) and starts the CTI login. 201 success; 409 confirm when the agent already has a session and `override` is not true (send again with `override: true` to replace it; in a domain, also when another instance holds it, and the message names that instance); 401 bad credentials. `agent.resumeToken` (the `resumeToken` of the last success) replaces the password: the session is taken back on any instance of the domain, calls included, with no confirm (docs/protocol.md, Resume credential). 503 DOMAIN_UNAVAILABLE while the domain's Redis cannot be reached.
         */
        post: operations["prepareSession"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/simulator/agents": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Simulated agents with their extension and state
         * @description The simulator's agent directory and each agent's current state. Passwords are never shown.
         */
        get: operations["simulatorAgents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/simulator/calls": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Calls in the simulator with their parties */
        get: operations["simulatorCalls"];
        put?: never;
        /**
         * Place an inbound call
         * @description A caller rings: into a queue, where the ACD offers the call to the longest-idle ready agent of the queue, or with `to` straight to an agent's extension. The call carries `data` as attached data.
         */
        post: operations["simulatorPlaceCall"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/simulator/calls/{callId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * The caller hangs up
         * @description The outside party of the call hangs up: in a queue or while ringing the call is abandoned; in talk it ends.
         */
        delete: operations["simulatorHangUp"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/simulator/chats": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Chats in the simulator, as their customers see them, each with its last message
         * @description Each chat with `messageCount` and only its last message, so that the list stays small; GET /simulator/chats/{chatId} has the transcript.
         */
        get: operations["simulatorChats"];
        put?: never;
        /**
         * A customer starts a chat
         * @description A customer starts a chat with a first message: into a queue, where routing offers it to the longest-idle agent of the queue whose chat channel is ready and below CHAT_MAX_PER_AGENT, or with `to` straight to an agent (ready or not, if their chat channel has room). Text is plain text.
         */
        post: operations["simulatorStartChat"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/simulator/chats/{chatId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One chat: its state and transcript as the customer sees it */
        get: operations["simulatorChat"];
        put?: never;
        post?: never;
        /**
         * The customer leaves
         * @description The customer closes the chat: waiting in the queue it is gone; offered, the offer is abandoned; live, the agent's chat ends and wrap-up follows.
         */
        delete: operations["simulatorLeaveChat"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/simulator/chats/{chatId}/messages": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * The customer writes
         * @description A message from the customer (plain text). Refused (INVALID_STATE) once the chat has ended.
         */
        post: operations["simulatorChatMessage"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/simulator/chats/{chatId}/typing": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** The customer starts or stops typing */
        post: operations["simulatorChatTyping"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/simulator/clock": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Advance the simulator clock (SIM_CLOCK=manual only)
         * @description With SIM_CLOCK=manual the simulator's time (login delay, ring-no-answer, wrap-up) only moves through this route.
         */
        post: operations["simulatorAdvanceClock"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/simulator/queues": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Queues with their waiting calls and ready agents */
        get: operations["simulatorQueues"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/ws": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The HIS wire protocol over a WebSocket
         * @description Upgrade to a WebSocket and send the messages of docs/protocol.md (coreRequest, serviceRequest, resourceRequest), one JSON object per text frame; answers and events (resourceEvent, serviceEvent, coreEvent) come back the same way. One connection is one client. The message catalogue is asyncapi.yaml and docs/protocol.md; a plain GET (no upgrade) answers 426. A browser page may connect only from this server's own origin or one CORS_ORIGINS names (403 otherwise; clients that send no Origin are not browsers and are not checked), and each source address holds at most SOURCE_MAX_STREAMS sockets and event streams (429 RATE_LIMITED).
         */
        get: operations["websocket"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /**
         * @example {
         *       "name": "session.ready",
         *       "type": "enable"
         *     }
         */
        CapabilityState: {
            name: string;
            /** @enum {string} */
            type: "enable" | "disable";
        };
        /**
         * @example {
         *       "command": "bindResource",
         *       "serviceId": "WorkflowManager",
         *       "resourceId": "Simulator-agent1",
         *       "resourceName": "Simulator-agent1",
         *       "resourceType": "com.openmethods.iserver.workflow.session",
         *       "result": "success"
         *     }
         */
        CoreAnswer: {
            command: string;
            data?: unknown;
            failure?: components["schemas"]["Failure"];
            resourceId?: string;
            resourceName?: string;
            resourceType?: string;
            /** @enum {string} */
            result: "success" | "failure";
            serviceId?: string;
            serviceName?: string;
            serviceType?: string;
        } & {
            [key: string]: unknown;
        };
        /**
         * @example {
         *       "messageType": "coreError",
         *       "requestId": "r9",
         *       "failure": {
         *         "code": "INVALID_MESSAGE",
         *         "message": "unknown messageType; expected coreRequest, serviceRequest or resourceRequest"
         *       }
         *     }
         */
        CoreError: {
            failure: components["schemas"]["Failure"];
            /** @enum {string} */
            messageType: "coreError";
            requestId?: string;
        };
        /**
         * @example {
         *       "messageType": "coreEvent",
         *       "event": {
         *         "name": "resync",
         *         "data": {
         *           "lastEventId": 2,
         *           "oldest": 1050,
         *           "latest": 2073
         *         }
         *       }
         *     }
         * @example {
         *       "messageType": "coreEvent",
         *       "event": {
         *         "name": "shutdown",
         *         "data": {
         *           "reason": "server shutting down"
         *         }
         *       }
         *     }
         */
        CoreEvent: {
            event: {
                data: {
                    lastEventId?: number;
                    latest?: number;
                    oldest?: number;
                    reason?: string;
                };
                /** @enum {string} */
                name: "resync" | "shutdown";
            };
            /** @enum {string} */
            messageType: "coreEvent";
        };
        /**
         * @example {
         *       "messageType": "coreRequest",
         *       "requestId": "r1",
         *       "command": "bindService",
         *       "serviceId": "WorkflowManager"
         *     }
         */
        CoreRequest: {
            clientId?: string;
            command: string;
            lastEventId?: number;
            /** @enum {string} */
            messageType: "coreRequest";
            requestId?: string;
            resourceId?: string;
            serviceId?: string;
            token?: string;
        };
        /**
         * @example {
         *       "messageType": "coreResponse",
         *       "requestId": "r1",
         *       "command": "bindService",
         *       "serviceId": "WorkflowManager",
         *       "serviceName": "WorkflowManager",
         *       "serviceType": "com.openmethods.iserver.workflow.manager",
         *       "result": "success"
         *     }
         */
        CoreResponse: {
            /** @description [extension] resume: the client record this socket took back */
            clientId?: string;
            command: string;
            data?: unknown;
            failure?: components["schemas"]["Failure"];
            /** @enum {string} */
            messageType: "coreResponse";
            requestId?: string;
            resourceId?: string;
            resourceName?: string;
            resourceType?: string;
            /** @enum {string} */
            result: "success" | "failure";
            serviceId?: string;
            serviceName?: string;
            serviceType?: string;
        };
        /**
         * @example {
         *       "name": "sales",
         *       "shared": true,
         *       "available": true,
         *       "self": "a",
         *       "instances": [
         *         {
         *           "id": "a",
         *           "url": "http://10.0.0.5:3001",
         *           "status": "InService",
         *           "acceptingClients": true,
         *           "clientCount": 12,
         *           "sessions": 12,
         *           "startedAt": "2026-12-01T08:00:00.000Z"
         *         },
         *         {
         *           "id": "b",
         *           "url": "http://10.0.0.6:3002",
         *           "status": "InService",
         *           "acceptingClients": true,
         *           "clientCount": 9,
         *           "sessions": 9,
         *           "startedAt": "2026-12-01T08:00:01.000Z"
         *         }
         *       ]
         *     }
         */
        DomainAnswer: {
            /** @description false: Redis cannot be reached now; `instances` then lists this instance only */
            available: boolean;
            /** @description the live instances (registered, lease not expired), by id; the load is as of each one's last renewal */
            instances: components["schemas"]["DomainInstance"][];
            /** @description INSTANCE_DOMAIN */
            name: string;
            /** @description the id of the instance that answered */
            self: string;
            /** @description true: a domain in Redis (REDIS_URL); false: this instance alone */
            shared: boolean;
        };
        DomainInstance: {
            /** @description whether it takes new sessions now */
            acceptingClients: boolean;
            /** @description client records it holds */
            clientCount: number;
            /** @description INSTANCE_ID (or <hostname>:<PORT>) */
            id: string;
            /** @description agent sessions it holds */
            sessions: number;
            /** Format: date-time */
            startedAt: string;
            /** @description its Interaction Processor's status (InService, OutOfService, Stopping) */
            status: string;
            /** @description PUBLIC_URL: where media bars reach it ('' when it has none) */
            url: string;
        };
        /**
         * @example {
         *       "code": "INVALID_STATE",
         *       "message": "session.ready is not enabled now (view state ready)"
         *     }
         */
        Failure: {
            /**
             * @description a code from the failure catalogue (docs/protocol.md, Failures)
             * @enum {string}
             */
            code: "INVALID_MESSAGE" | "UNKNOWN_COMMAND" | "UNKNOWN_SERVICE" | "UNKNOWN_RESOURCE" | "NOT_BOUND" | "ALREADY_BOUND" | "AUTH_FAILED" | "LOCKED_OUT" | "UNKNOWN_MODEL" | "INVALID_TARGET" | "INVALID_STATE" | "UNSUPPORTED" | "NOT_ACCEPTING_CLIENTS" | "RATE_LIMITED" | "OVERLOADED" | "CTI_UNAVAILABLE" | "TIMEOUT" | "DOMAIN_UNAVAILABLE" | "INTERNAL";
            /** @description for people; never carries a secret or a stack trace */
            message: string;
            /** @description seconds to wait before trying again (RATE_LIMITED, OVERLOADED; REST sends it as Retry-After too) */
            retryAfter?: number;
        };
        /**
         * @example {
         *       "command": "session.ready",
         *       "result": "failure",
         *       "failure": {
         *         "code": "INVALID_STATE",
         *         "message": "session.ready is not enabled now (view state ready)"
         *       },
         *       "original": {
         *         "command": "session.ready"
         *       }
         *     }
         */
        FailureAnswer: {
            command?: string;
            failure: components["schemas"]["Failure"];
            /** @description the request, with any password removed */
            original?: unknown;
            /** @enum {string} */
            result: "failure";
        } & {
            [key: string]: unknown;
        };
        /**
         * @example {
         *       "status": "ok",
         *       "version": "0.1.0",
         *       "uptimeSeconds": 3600,
         *       "cti": {
         *         "ok": true,
         *         "detail": "simulator with 5 agents, 1 calls"
         *       },
         *       "domain": {
         *         "name": "default",
         *         "shared": false,
         *         "instance": "desk-host:3000",
         *         "ok": true,
         *         "detail": "this instance alone (no REDIS_URL)"
         *       },
         *       "services": [
         *         {
         *           "id": "WorkflowManager",
         *           "name": "WorkflowManager",
         *           "status": "InService",
         *           "acceptingClients": true,
         *           "clientCount": 7
         *         }
         *       ],
         *       "clients": 7,
         *       "sessions": 7,
         *       "streams": 6,
         *       "sockets": 1
         *     }
         */
        HealthAnswer: {
            clients: number;
            cti: {
                detail: string;
                ok: boolean;
            };
            domain: {
                detail: string;
                /** @description this instance's id in the domain */
                instance: string;
                /** @description INSTANCE_DOMAIN */
                name: string;
                /** @description false: Redis cannot be reached (new sessions are refused with DOMAIN_UNAVAILABLE, running ones carry on) */
                ok: boolean;
                /** @description true: a domain in Redis (REDIS_URL); false: this instance alone */
                shared: boolean;
            };
            services: {
                acceptingClients: boolean;
                clientCount: number;
                id: string;
                name: string;
                status: string;
            }[];
            sessions: number;
            /** @description open WebSockets */
            sockets: number;
            /** @enum {string} */
            status: "ok" | "degraded" | "stopping";
            /** @description open SSE streams */
            streams: number;
            uptimeSeconds: number;
            version: string;
        };
        /**
         * @example {
         *       "servers": [],
         *       "domain": false,
         *       "simulator": true,
         *       "processorId": "6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f",
         *       "embedOrigins": [
         *         "https://crm.example.com"
         *       ]
         *     }
         */
        MediaBarConfig: {
            /** @description this server is in a shared domain (REDIS_URL): the media bar reads GET /domain to choose an instance, and fails over to another one */
            domain: boolean;
            /** @description the origins of the pages that may embed the media bar and talk to it with postMessage (FRAME_ANCESTORS): each listed http(s) origin normalised (`new URL(x).origin`), and `'self'` (the page's own origin) when FRAME_ANCESTORS has it; empty for `'none'`. A wildcard source frames the bar but is left out */
            embedOrigins: string[];
            /** @description the Interaction Processor service id of this instance */
            processorId: string;
            /** @description base URLs the media bar chooses from; empty: the serving server (or, with `domain`, the domain's instances) */
            servers: string[];
            /** @description this page may use the simulator's control routes (the media bar shows its panel) */
            simulator: boolean;
        };
        /**
         * @example {
         *       "result": "success",
         *       "clientId": "0b8e5a8f-2f1c-4d6e-9b7a-3c2d1e0f9a8b",
         *       "token": "k3m-EXAMPLE-TOKEN-2fQ9pV",
         *       "events": "/clients/0b8e5a8f-2f1c-4d6e-9b7a-3c2d1e0f9a8b/events"
         *     }
         */
        OpenClientAnswer: {
            clientId: string;
            /** @description the SSE event stream of this client */
            events: string;
            /** @enum {string} */
            result: "success";
            /** @description bearer secret for every client-scoped request; shown once */
            token: string;
        };
        /**
         * @example {
         *       "name": "media-bar agent1"
         *     }
         */
        OpenClientBody: {
            /** @description who the client is, for logs (e.g. "media-bar agent1") */
            name?: string;
        };
        /**
         * @description other properties (such as `cti`) are accepted and echoed. `agent` carries `password` or `resumeToken`
         * @example {
         *       "agent": {
         *         "id": "agent1",
         *         "password": "demo-pass-1"
         *       },
         *       "model": "",
         *       "override": false
         *     }
         */
        PrepareSessionData: {
            agent: {
                /** @description the agent id (no dots) */
                id: string;
                /** @description the agent's password (or resumeToken) */
                password?: string;
                /** @description instead of the password: the resume credential the last successful prepareSession of this agent answered (docs/protocol.md, Resume credential); one use */
                resumeToken?: string;
            };
            /** @description call model name; blank or missing = default */
            model?: string;
            /** @description true replaces an existing session of this agent */
            override?: boolean;
        };
        /**
         * @example {
         *       "command": "conversation.hold",
         *       "target": "Simulator-agent1.voice.ix-1.leg-2",
         *       "requestId": "r3",
         *       "result": "success"
         *     }
         */
        ResourceAnswer: {
            command: string;
            data?: unknown;
            failure?: components["schemas"]["Failure"];
            original?: unknown;
            /** @description REST only: the requestid the result event carries */
            requestId?: string;
            /** @enum {string} */
            result: "success" | "failure";
            target?: string;
        };
        /**
         * @example {
         *       "messageType": "resourceEvent",
         *       "serviceId": "6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f",
         *       "resourceId": "Simulator-agent1",
         *       "event": {
         *         "name": "session.started",
         *         "target": "Simulator-agent1",
         *         "context": {},
         *         "data": {
         *           "agentId": "agent1",
         *           "extension": "1001"
         *         }
         *       },
         *       "eventId": 2
         *     }
         * @example {
         *       "messageType": "resourceEvent",
         *       "serviceId": "WorkflowManager",
         *       "resourceId": "Simulator-agent1",
         *       "event": {
         *         "messageType": "stateEvent",
         *         "target": "Simulator-agent1",
         *         "name": "state.updated",
         *         "context": {},
         *         "data": [
         *           {
         *             "name": "session.logout",
         *             "type": "enable"
         *           },
         *           {
         *             "name": "session.login",
         *             "type": "disable"
         *           }
         *         ]
         *       },
         *       "eventId": 3
         *     }
         */
        ResourceEvent: {
            event: components["schemas"]["ResourceEventBody"];
            /** @description [extension] the client's event sequence number: resume after it (SSE Last-Event-ID, WS resume) */
            eventId?: number;
            /** @enum {string} */
            messageType: "resourceEvent";
            resourceId: string;
            serviceId: string;
        };
        /**
         * @example {
         *       "name": "session.started",
         *       "target": "Simulator-agent1",
         *       "context": {},
         *       "data": {
         *         "agentId": "agent1",
         *         "extension": "1001"
         *       }
         *     }
         */
        ResourceEventBody: {
            context: Record<string, never>;
            /** @description event attributes; for workflow state.updated, the whole view: CapabilityState[] */
            data: unknown;
            /**
             * @description present on workflow state.updated
             * @enum {string}
             */
            messageType?: "stateEvent";
            /** @description event name, e.g. session.started, state.updated, interaction.added */
            name: string;
            target: string;
        };
        /**
         * @example {
         *       "messageType": "resourceRequest",
         *       "requestId": "r3",
         *       "serviceId": "6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f",
         *       "resourceId": "Simulator-agent1",
         *       "request": {
         *         "command": "conversation.hold",
         *         "target": "Simulator-agent1.voice.ix-1.leg-2",
         *         "data": {}
         *       }
         *     }
         */
        ResourceRequest: {
            /** @enum {string} */
            messageType: "resourceRequest";
            request: {
                command: string;
                data?: unknown;
                /** @description <sessionId>[.<channelId>[.<interactionId>[.<conversationId>]]] */
                target?: string;
            };
            requestId?: string;
            resourceId: string;
            serviceId: string;
        };
        /**
         * @example {
         *       "command": "session.notready",
         *       "data": {
         *         "reason": "LUNCH"
         *       }
         *     }
         * @example {
         *       "command": "conversation.hold",
         *       "target": "Simulator-agent1.voice.ix-1.leg-2",
         *       "requestId": "r42"
         *     }
         * @example {
         *       "command": "channel.dial",
         *       "data": {
         *         "destination": "1002"
         *       }
         *     }
         */
        ResourceRequestBody: {
            command: string;
            data?: unknown;
            /** @description echoed as `requestid` in the request's result event; made up when missing */
            requestId?: string;
            /** @description <sessionId>[.<channelId>[.<interactionId>[.<conversationId>]]] */
            target?: string;
        };
        /**
         * @example {
         *       "messageType": "resourceResponse",
         *       "requestId": "r3",
         *       "serviceId": "6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f",
         *       "resourceId": "Simulator-agent1",
         *       "response": {
         *         "command": "conversation.hold",
         *         "target": "Simulator-agent1.voice.ix-1.leg-2",
         *         "result": "success"
         *       }
         *     }
         */
        ResourceResponse: {
            /** @enum {string} */
            messageType: "resourceResponse";
            requestId?: string;
            resourceId: string;
            response: components["schemas"]["ResourceAnswer"];
            serviceId: string;
        };
        /**
         * @example {
         *       "id": "6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f",
         *       "name": "Simulator",
         *       "type": "com.openmethods.iserver.processor",
         *       "info": {
         *         "vendor": "his-cti-server",
         *         "version": "0.1.0",
         *         "cti-vendor": "his-cti-server simulator",
         *         "cti-version": "1.0",
         *         "instance-domain": "default"
         *       },
         *       "serviceStatus": {
         *         "status": "InService",
         *         "acceptingClients": true,
         *         "clientCount": 42
         *       }
         *     }
         */
        Service: {
            id: string;
            info: {
                [key: string]: string;
            };
            name: string;
            serviceStatus: components["schemas"]["ServiceStatus"];
            type: string;
        };
        /**
         * @example {
         *       "command": "prepareSession",
         *       "result": "success",
         *       "resource": {
         *         "id": "Simulator-agent1"
         *       },
         *       "data": {
         *         "agent": {
         *           "id": "agent1"
         *         },
         *         "model": ""
         *       },
         *       "workflow": {
         *         "serviceId": "WorkflowManager",
         *         "resourceId": "Simulator-agent1"
         *       }
         *     }
         * @example {
         *       "command": "prepareSession",
         *       "result": "confirm",
         *       "message": "Agent agent1 already has a session on Simulator. Take it over? The other media bar will be signed out.",
         *       "original": {
         *         "command": "prepareSession",
         *         "data": {
         *           "agent": {
         *             "id": "agent1"
         *           },
         *           "override": false
         *         }
         *       }
         *     }
         * @example {
         *       "command": "getCapabilities",
         *       "result": "success",
         *       "data": {
         *         "single-channels-supported": "true",
         *         "call-models": "default,RNA",
         *         "notready-reason-codes": "BREAK,LUNCH"
         *       }
         *     }
         */
        ServiceAnswer: {
            command: string;
            data?: unknown;
            failure?: components["schemas"]["Failure"];
            /** @description confirm: the prompt to show the user */
            message?: string;
            /** @description confirm/failure: the request data, password removed */
            original?: unknown;
            resource?: {
                /** @description prepareSession: the request data, password removed (as seed 004 writes it; also at the top level, as the trace shows) */
                data?: unknown;
                id: string;
            };
            /** @enum {string} */
            result: "success" | "confirm" | "failure";
            /** @description prepareSession success: the session's resume credential (docs/protocol.md, Resume credential). Keep it for this agent only; it replaces the password in the next prepareSession (a reload, or another instance of the domain when this one is gone) and is void once used, or when the session ends */
            resumeToken?: string;
            workflow?: {
                resourceId: string;
                serviceId: string;
            };
        };
        /**
         * @example {
         *       "messageType": "serviceEvent",
         *       "serviceId": "ServiceMonitor",
         *       "event": {
         *         "eventType": "serviceUpdated",
         *         "service": {
         *           "id": "WorkflowManager",
         *           "name": "WorkflowManager",
         *           "type": "com.openmethods.iserver.workflow.manager",
         *           "info": {
         *             "vendor": "his-cti-server",
         *             "version": "0.1.0"
         *           },
         *           "serviceStatus": {
         *             "status": "InService",
         *             "acceptingClients": true,
         *             "clientCount": 7
         *           }
         *         }
         *       },
         *       "eventId": 9
         *     }
         */
        ServiceEvent: {
            event: {
                /** @enum {string} */
                eventType: "serviceList" | "serviceAdded" | "serviceRemoved" | "serviceUpdated";
                service?: components["schemas"]["Service"];
                services?: components["schemas"]["Service"][];
            };
            /** @description [extension] the client's event sequence number: resume after it (SSE Last-Event-ID, WS resume) */
            eventId?: number;
            /** @enum {string} */
            messageType: "serviceEvent";
            serviceId: string;
        };
        /**
         * @example {
         *       "messageType": "serviceRequest",
         *       "requestId": "r2",
         *       "serviceId": "6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f",
         *       "request": {
         *         "command": "getCapabilities",
         *         "data": ""
         *       }
         *     }
         */
        ServiceRequest: {
            /** @enum {string} */
            messageType: "serviceRequest";
            request: {
                command: string;
                data?: unknown;
            };
            requestId?: string;
            serviceId: string;
        };
        /**
         * @example {
         *       "command": "getCapabilities",
         *       "data": ""
         *     }
         */
        ServiceRequestBody: {
            command: string;
            data?: unknown;
        };
        /**
         * @example {
         *       "messageType": "serviceResponse",
         *       "requestId": "r2",
         *       "serviceId": "6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f",
         *       "response": {
         *         "command": "getCapabilities",
         *         "result": "success",
         *         "data": {
         *           "single-channels-supported": "true"
         *         }
         *       }
         *     }
         */
        ServiceResponse: {
            /** @enum {string} */
            messageType: "serviceResponse";
            requestId?: string;
            response: components["schemas"]["ServiceAnswer"];
            serviceId: string;
        };
        /**
         * @example {
         *       "command": "getServices",
         *       "result": "success",
         *       "data": {
         *         "services": [
         *           {
         *             "id": "WorkflowManager",
         *             "name": "WorkflowManager",
         *             "type": "com.openmethods.iserver.workflow.manager",
         *             "info": {
         *               "vendor": "his-cti-server",
         *               "version": "0.1.0"
         *             },
         *             "serviceStatus": {
         *               "status": "InService",
         *               "acceptingClients": true,
         *               "clientCount": 7
         *             }
         *           }
         *         ]
         *       }
         *     }
         */
        ServicesAnswer: {
            /** @enum {string} */
            command: "getServices";
            data: {
                services: components["schemas"]["Service"][];
            };
            /** @enum {string} */
            result: "success";
        };
        /**
         * @example {
         *       "status": "InService",
         *       "acceptingClients": true,
         *       "clientCount": 42
         *     }
         */
        ServiceStatus: {
            acceptingClients: boolean;
            /** @description clients bound to the service */
            clientCount: number;
            /** @enum {string} */
            status: "OutOfService" | "Starting" | "InService" | "Stopping";
        };
        /**
         * @example {
         *       "id": "agent1",
         *       "name": "Ada Lovelace",
         *       "extension": "1001",
         *       "queues": [
         *         "sales",
         *         "support"
         *       ],
         *       "state": "busy",
         *       "reason": null,
         *       "pendingLogout": null,
         *       "loggingIn": false,
         *       "attached": true,
         *       "interactions": [
         *         {
         *           "id": "ix-1",
         *           "state": "STARTED",
         *           "direction": "inbound",
         *           "conversations": [
         *             {
         *               "id": "leg-2",
         *               "role": "primary",
         *               "state": "connected"
         *             }
         *           ]
         *         }
         *       ]
         *     }
         */
        SimAgent: {
            attached: boolean;
            extension: string;
            id: string;
            interactions: {
                conversations: {
                    id: string;
                    role: string;
                    state: string;
                }[];
                direction: string;
                id: string;
                state: string;
            }[];
            loggingIn: boolean;
            name: string;
            /** @description the reason of a logout that waits for the agent's last call and its wrap-up */
            pendingLogout: string | null;
            queues: string[];
            reason: string | null;
            state: string;
        };
        /**
         * @example {
         *       "result": "success",
         *       "agents": [
         *         {
         *           "id": "agent2",
         *           "name": "Grace Hopper",
         *           "extension": "1002",
         *           "queues": [
         *             "sales",
         *             "support"
         *           ],
         *           "state": "ready",
         *           "reason": null,
         *           "pendingLogout": null,
         *           "loggingIn": false,
         *           "attached": true,
         *           "interactions": []
         *         }
         *       ]
         *     }
         */
        SimAgentsAnswer: {
            agents: components["schemas"]["SimAgent"][];
            /** @enum {string} */
            result: "success";
        };
        /**
         * @example {
         *       "id": "call-1",
         *       "from": "+15551234567",
         *       "to": "sales",
         *       "queue": "sales",
         *       "state": "connected",
         *       "recording": "off",
         *       "data": {
         *         "account": "42"
         *       },
         *       "parties": [
         *         {
         *           "id": "leg-1",
         *           "kind": "external",
         *           "number": "+15551234567",
         *           "state": "connected"
         *         },
         *         {
         *           "id": "leg-2",
         *           "kind": "agent",
         *           "number": "1001",
         *           "state": "connected",
         *           "agentId": "agent1",
         *           "interactionId": "ix-1"
         *         }
         *       ]
         *     }
         */
        SimCall: {
            data: {
                [key: string]: unknown;
            };
            from: string;
            id: string;
            parties: {
                agentId?: string;
                id: string;
                interactionId?: string;
                kind: string;
                number: string;
                state: string;
            }[];
            queue: string | null;
            recording: string;
            /** @enum {string} */
            state: "queued" | "ringing" | "dialing" | "connected";
            to: string;
        };
        /**
         * @example {
         *       "result": "success",
         *       "calls": []
         *     }
         */
        SimCallsAnswer: {
            calls: components["schemas"]["SimCall"][];
            /** @enum {string} */
            result: "success";
        };
        /**
         * @example {
         *       "id": "chat-1",
         *       "from": "Alice Example",
         *       "queue": "support",
         *       "state": "connected",
         *       "agentId": "agent3",
         *       "agentTyping": false,
         *       "messageCount": 1,
         *       "messages": [
         *         {
         *           "messageId": "chat-1-m1",
         *           "from": "customer",
         *           "text": "Hello, my order has not arrived.",
         *           "at": "2026-01-01T09:00:00.000Z"
         *         }
         *       ]
         *     }
         */
        SimChat: {
            /** @description the agent the chat is offered to or with now */
            agentId: string | null;
            agentTyping: boolean;
            from: string;
            id: string;
            /** @description how many messages the chat has had */
            messageCount: number;
            /** @description GET /simulator/chats/{chatId}: the transcript as the customer sees it (the last CHAT_TRANSCRIPT_KEEP messages); GET /simulator/chats: the last message only */
            messages: {
                /** @description when it was written, ISO 8601 in UTC */
                at: string;
                /** @description customer, agent (whichever agent the chat was with), or system (the platform: the customer left …) */
                from: "customer" | "agent" | "system";
                messageId: string;
                text: string;
            }[];
            queue: string | null;
            /** @enum {string} */
            state: "queued" | "offered" | "connected" | "ended";
        };
        /**
         * @example {
         *       "result": "success",
         *       "chat": {
         *         "id": "chat-1",
         *         "from": "Alice Example",
         *         "queue": "support",
         *         "state": "queued",
         *         "agentId": null,
         *         "agentTyping": false,
         *         "messageCount": 1,
         *         "messages": [
         *           {
         *             "messageId": "chat-1-m1",
         *             "from": "customer",
         *             "text": "Hello",
         *             "at": "2026-01-01T09:00:00.000Z"
         *           }
         *         ]
         *       }
         *     }
         */
        SimChatAnswer: {
            chat: components["schemas"]["SimChat"];
            /** @enum {string} */
            result: "success";
        };
        /**
         * @example {
         *       "result": "success",
         *       "messageId": "chat-1-m2"
         *     }
         */
        SimChatMessageAnswer: {
            messageId: string;
            /** @enum {string} */
            result: "success";
        };
        /**
         * @example {
         *       "text": "It was order 1234."
         *     }
         */
        SimChatMessageBody: {
            /** @description plain text (never interpreted as HTML); not only white space */
            text: string;
        };
        /**
         * @example {
         *       "result": "success",
         *       "chats": []
         *     }
         */
        SimChatsAnswer: {
            chats: components["schemas"]["SimChat"][];
            /** @enum {string} */
            result: "success";
        };
        /**
         * @example {
         *       "typing": true
         *     }
         */
        SimChatTypingBody: {
            typing: boolean;
        };
        /**
         * @example {
         *       "result": "success",
         *       "now": "2026-01-01T09:00:15.000Z"
         *     }
         */
        SimClockAnswer: {
            /** Format: date-time */
            now: string;
            /** @enum {string} */
            result: "success";
        };
        /**
         * @example {
         *       "advanceMs": 15000
         *     }
         */
        SimClockBody: {
            advanceMs: number;
        };
        /**
         * @example {
         *       "result": "success",
         *       "callId": "call-1"
         *     }
         */
        SimPlaceCallAnswer: {
            callId: string;
            /** @enum {string} */
            result: "success";
        };
        /**
         * @example {
         *       "from": "+15551234567",
         *       "queue": "sales",
         *       "data": {
         *         "account": "42"
         *       }
         *     }
         * @example {
         *       "from": "+15551234567",
         *       "to": "1002"
         *     }
         */
        SimPlaceCallBody: {
            /** @description attached data (user data) of the call */
            data?: {
                [key: string]: string | number | boolean;
            };
            /** @description a phone number: digits, optionally with a leading + */
            from: string;
            /** @description the queue whose ACD picks the agent (default: the first queue) */
            queue?: string;
            /** @description an agent's extension (or id) to ring directly, bypassing the queue */
            to?: string;
        };
        /**
         * @example {
         *       "result": "success",
         *       "queues": [
         *         {
         *           "id": "sales",
         *           "name": "Sales",
         *           "waiting": [
         *             {
         *               "callId": "call-3",
         *               "from": "+15550000001",
         *               "waitingMs": 12000
         *             }
         *           ],
         *           "readyAgents": []
         *         }
         *       ]
         *     }
         */
        SimQueuesAnswer: {
            queues: {
                id: string;
                name: string;
                readyAgents: string[];
                waiting: {
                    callId: string;
                    from: string;
                    waitingMs: number;
                }[];
            }[];
            /** @enum {string} */
            result: "success";
        };
        /**
         * @example {
         *       "result": "success",
         *       "chatId": "chat-1"
         *     }
         */
        SimStartChatAnswer: {
            chatId: string;
            /** @enum {string} */
            result: "success";
        };
        /**
         * @example {
         *       "from": "Alice Example",
         *       "queue": "support",
         *       "text": "Hello, my order has not arrived.",
         *       "data": {
         *         "order": "1234"
         *       }
         *     }
         */
        SimStartChatBody: {
            /** @description attached data (user data) of the call */
            data?: {
                [key: string]: string | number | boolean;
            };
            /** @description the customer: a name or an address, shown to the agent */
            from: string;
            /** @description the queue whose routing picks the agent (default: the first queue) */
            queue?: string;
            /** @description plain text (never interpreted as HTML); not only white space */
            text: string;
            /** @description an agent's extension (or id) to offer the chat to directly, ready or not, if their chat channel has room */
            to?: string;
        };
        /**
         * @example {
         *       "result": "success",
         *       "resource": {
         *         "id": "Simulator-agent1",
         *         "name": "Simulator-agent1",
         *         "type": "com.openmethods.iserver.processor.session",
         *         "serviceId": "6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f"
         *       },
         *       "data": {
         *         "session": {
         *           "id": "Simulator-agent1",
         *           "agentId": "agent1",
         *           "agentName": "Ada Lovelace",
         *           "extension": "1001",
         *           "model": "default",
         *           "loggedIn": true,
         *           "loggingIn": false,
         *           "state": "busy",
         *           "reason": null
         *         },
         *         "channels": [
         *           {
         *             "id": "voice",
         *             "media": "voice",
         *             "extension": "1001",
         *             "target": "Simulator-agent1.voice"
         *           }
         *         ],
         *         "interactions": [
         *           {
         *             "id": "ix-1",
         *             "target": "Simulator-agent1.voice.ix-1",
         *             "channelId": "voice",
         *             "state": "STARTED",
         *             "direction": "inbound",
         *             "from": "+15551234567",
         *             "to": "sales",
         *             "queue": "sales",
         *             "recording": "off",
         *             "udata": {
         *               "account": "42"
         *             },
         *             "parties": [
         *               {
         *                 "partyid": "leg-1",
         *                 "focusresource": "+15551234567",
         *                 "partystate": "connected"
         *               }
         *             ],
         *             "conversations": [
         *               {
         *                 "id": "leg-2",
         *                 "target": "Simulator-agent1.voice.ix-1.leg-2",
         *                 "role": "primary",
         *                 "state": "connected"
         *               }
         *             ]
         *           }
         *         ],
         *         "client": {
         *           "id": "0b8e5a8f-2f1c-4d6e-9b7a-3c2d1e0f9a8b",
         *           "awayUntil": null
         *         },
         *         "reasonCodes": [
         *           {
         *             "code": "BREAK",
         *             "label": "Break"
         *           }
         *         ]
         *       }
         *     }
         */
        SnapshotAnswer: {
            /** @description processor session: session, channels, interactions, conversations; workflow session: every view's state */
            data: unknown;
            resource: {
                id: string;
                name: string;
                serviceId: string;
                type: string;
            };
            /** @enum {string} */
            result: "success";
        };
        /**
         * @example {
         *       "result": "success"
         *     }
         */
        SuccessAnswer: {
            /** @enum {string} */
            result: "success";
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    openClient: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["OpenClientBody"];
            };
        };
        responses: {
            /** @description the client record and its token (shown once) */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OpenClientAnswer"];
                };
            };
            /** @description INVALID_MESSAGE: wrong shape, type or value; not JSON (413 too large, 415 not JSON) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description AUTH_FAILED: the page's Origin may not use this server (CORS_ORIGINS) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description RATE_LIMITED: too many requests, logins or connections from this source; retry after `retryAfter` seconds */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description OVERLOADED: the instance is past its event-loop or memory limit; retry after `retryAfter` seconds; NOT_ACCEPTING_CLIENTS: the instance is full or shutting down */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
        };
    };
    closeClient: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description the clientId of POST /clients
                 * @example 0b8e5a8f-2f1c-4d6e-9b7a-3c2d1e0f9a8b
                 */
                clientId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description closed */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessAnswer"];
                };
            };
            /** @description INVALID_MESSAGE: wrong shape, type or value; not JSON (413 too large, 415 not JSON) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description AUTH_FAILED: bad agent credentials, or a missing / wrong client token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description RATE_LIMITED: too many requests, logins or connections from this source; retry after `retryAfter` seconds */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description INTERNAL: a bug; details are in the server log, never in the answer */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description OVERLOADED: the instance is past its event-loop or memory limit; retry after `retryAfter` seconds */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
        };
    };
    eventStream: {
        parameters: {
            query?: {
                /** @description resume after this event id (the Last-Event-ID header wins) */
                lastEventId?: string;
                /** @description `false` leaves out the `event:` lines, so a browser's EventSource hands every event to `onmessage` (the name is in the envelope; `resync` and `shutdown` are coreEvent envelopes). Default `true`. */
                names?: "true" | "false";
                /** @description the client token, for EventSource which cannot set headers */
                token?: string;
            };
            header?: {
                "last-event-id"?: string;
            };
            path: {
                /**
                 * @description the clientId of POST /clients
                 * @example 0b8e5a8f-2f1c-4d6e-9b7a-3c2d1e0f9a8b
                 */
                clientId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description an endless text/event-stream of events (resourceEvent, serviceEvent, coreEvent envelopes) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": components["schemas"]["ResourceEvent"] | components["schemas"]["ServiceEvent"] | components["schemas"]["CoreEvent"];
                };
            };
            /** @description INVALID_MESSAGE: wrong shape, type or value; not JSON (413 too large, 415 not JSON) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description AUTH_FAILED: bad agent credentials, or a missing / wrong client token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description RATE_LIMITED: too many requests, logins or connections from this source; retry after `retryAfter` seconds */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description INTERNAL: a bug; details are in the server log, never in the answer */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description OVERLOADED: the instance is past its event-loop or memory limit; retry after `retryAfter` seconds */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
        };
    };
    getDomain: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the live instances */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DomainAnswer"];
                };
            };
            /** @description INVALID_MESSAGE: wrong shape, type or value; not JSON (413 too large, 415 not JSON) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description RATE_LIMITED: too many requests, logins or connections from this source; retry after `retryAfter` seconds */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description INTERNAL: a bug; details are in the server log, never in the answer */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description OVERLOADED: the instance is past its event-loop or memory limit; retry after `retryAfter` seconds */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
        };
    };
    health: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description in service */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HealthAnswer"];
                };
            };
            /** @description RATE_LIMITED: too many requests, logins or connections from this source; retry after `retryAfter` seconds */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description stopping, or the CTI or the domain is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HealthAnswer"];
                };
            };
        };
    };
    mediaBarConfig: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the settings */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MediaBarConfig"];
                };
            };
        };
    };
    metrics: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Prometheus exposition format */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": string;
                };
            };
            /** @description AUTH_FAILED: bad agent credentials, or a missing / wrong client token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description RATE_LIMITED: too many requests, logins or connections from this source; retry after `retryAfter` seconds */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description OVERLOADED: the instance is past its event-loop or memory limit; retry after `retryAfter` seconds */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
        };
    };
    openapiJson: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OpenAPI 3.1 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, never>;
                };
            };
        };
    };
    openapiYaml: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OpenAPI 3.1 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/yaml": string;
                };
            };
        };
    };
    getServices: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description every service */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ServicesAnswer"];
                };
            };
            /** @description INVALID_MESSAGE: wrong shape, type or value; not JSON (413 too large, 415 not JSON) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description RATE_LIMITED: too many requests, logins or connections from this source; retry after `retryAfter` seconds */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description INTERNAL: a bug; details are in the server log, never in the answer */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description OVERLOADED: the instance is past its event-loop or memory limit; retry after `retryAfter` seconds */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
        };
    };
    bindService: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description a service id (GET /services)
                 * @example WorkflowManager
                 */
                serviceId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description bound */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CoreAnswer"];
                };
            };
            /** @description INVALID_MESSAGE: wrong shape, type or value; not JSON (413 too large, 415 not JSON) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description AUTH_FAILED: bad agent credentials, or a missing / wrong client token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description UNKNOWN_SERVICE: no such service */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description RATE_LIMITED: too many requests, logins or connections from this source; retry after `retryAfter` seconds */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description INTERNAL: a bug; details are in the server log, never in the answer */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description OVERLOADED: the instance is past its event-loop or memory limit; retry after `retryAfter` seconds; NOT_ACCEPTING_CLIENTS: the instance is full or shutting down */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
        };
    };
    unbindService: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description a service id (GET /services)
                 * @example WorkflowManager
                 */
                serviceId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description unbound */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CoreAnswer"];
                };
            };
            /** @description INVALID_MESSAGE: wrong shape, type or value; not JSON (413 too large, 415 not JSON) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description AUTH_FAILED: bad agent credentials, or a missing / wrong client token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description NOT_BOUND: bind the service or resource first */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description UNKNOWN_SERVICE: no such service */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description RATE_LIMITED: too many requests, logins or connections from this source; retry after `retryAfter` seconds */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description INTERNAL: a bug; details are in the server log, never in the answer */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description OVERLOADED: the instance is past its event-loop or memory limit; retry after `retryAfter` seconds */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
        };
    };
    getCapabilities: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description a service id (GET /services)
                 * @example WorkflowManager
                 */
                serviceId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the capabilities, as string key/values in data */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ServiceAnswer"];
                };
            };
            /** @description INVALID_MESSAGE: wrong shape, type or value; not JSON (413 too large, 415 not JSON); UNKNOWN_COMMAND: no such command (or route: 404) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description AUTH_FAILED: bad agent credentials, or a missing / wrong client token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description NOT_BOUND: bind the service or resource first */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description UNKNOWN_SERVICE: no such service */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description RATE_LIMITED: too many requests, logins or connections from this source; retry after `retryAfter` seconds */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description INTERNAL: a bug; details are in the server log, never in the answer */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description OVERLOADED: the instance is past its event-loop or memory limit; retry after `retryAfter` seconds */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
        };
    };
    serviceRequest: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description a service id (GET /services)
                 * @example WorkflowManager
                 */
                serviceId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ServiceRequestBody"];
            };
        };
        responses: {
            /** @description done */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ServiceAnswer"];
                };
            };
            /** @description prepareSession: the session was created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ServiceAnswer"];
                };
            };
            /** @description INVALID_MESSAGE: wrong shape, type or value; not JSON (413 too large, 415 not JSON); UNKNOWN_COMMAND: no such command (or route: 404); UNKNOWN_MODEL: no call model of that name */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description AUTH_FAILED: bad agent credentials, or a missing / wrong client token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description NOT_BOUND: bind the service or resource first; LOCKED_OUT: too many failed logins; try later */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description UNKNOWN_SERVICE: no such service */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description prepareSession: confirm (the agent has a session; send override: true to replace it) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ServiceAnswer"];
                };
            };
            /** @description RATE_LIMITED: too many requests, logins or connections from this source; retry after `retryAfter` seconds */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description INTERNAL: a bug; details are in the server log, never in the answer */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description OVERLOADED: the instance is past its event-loop or memory limit; retry after `retryAfter` seconds; NOT_ACCEPTING_CLIENTS: the instance is full or shutting down */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
        };
    };
    getResource: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description a resource id: the session id prepareSession returned
                 * @example Simulator-agent1
                 */
                resourceId: string;
                /**
                 * @description a service id (GET /services)
                 * @example WorkflowManager
                 */
                serviceId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the resource's current state */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SnapshotAnswer"];
                };
            };
            /** @description INVALID_MESSAGE: wrong shape, type or value; not JSON (413 too large, 415 not JSON) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description AUTH_FAILED: bad agent credentials, or a missing / wrong client token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description NOT_BOUND: bind the service or resource first */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description UNKNOWN_SERVICE: no such service; UNKNOWN_RESOURCE: no such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description RATE_LIMITED: too many requests, logins or connections from this source; retry after `retryAfter` seconds */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description INTERNAL: a bug; details are in the server log, never in the answer */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description OVERLOADED: the instance is past its event-loop or memory limit; retry after `retryAfter` seconds */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
        };
    };
    bindResource: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description a resource id: the session id prepareSession returned
                 * @example Simulator-agent1
                 */
                resourceId: string;
                /**
                 * @description a service id (GET /services)
                 * @example WorkflowManager
                 */
                serviceId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description bound */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CoreAnswer"];
                };
            };
            /** @description INVALID_MESSAGE: wrong shape, type or value; not JSON (413 too large, 415 not JSON) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description AUTH_FAILED: bad agent credentials, or a missing / wrong client token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description NOT_BOUND: bind the service or resource first */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description UNKNOWN_SERVICE: no such service; UNKNOWN_RESOURCE: no such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description ALREADY_BOUND: the resource is bound by, or belongs to, another client */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description RATE_LIMITED: too many requests, logins or connections from this source; retry after `retryAfter` seconds */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description INTERNAL: a bug; details are in the server log, never in the answer */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description OVERLOADED: the instance is past its event-loop or memory limit; retry after `retryAfter` seconds */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
        };
    };
    unbindResource: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description a resource id: the session id prepareSession returned
                 * @example Simulator-agent1
                 */
                resourceId: string;
                /**
                 * @description a service id (GET /services)
                 * @example WorkflowManager
                 */
                serviceId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description unbound */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CoreAnswer"];
                };
            };
            /** @description INVALID_MESSAGE: wrong shape, type or value; not JSON (413 too large, 415 not JSON) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description AUTH_FAILED: bad agent credentials, or a missing / wrong client token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description NOT_BOUND: bind the service or resource first */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description UNKNOWN_SERVICE: no such service; UNKNOWN_RESOURCE: no such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description RATE_LIMITED: too many requests, logins or connections from this source; retry after `retryAfter` seconds */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description INTERNAL: a bug; details are in the server log, never in the answer */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description OVERLOADED: the instance is past its event-loop or memory limit; retry after `retryAfter` seconds */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
        };
    };
    resourceRequest: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description a resource id: the session id prepareSession returned
                 * @example Simulator-agent1
                 */
                resourceId: string;
                /**
                 * @description a service id (GET /services)
                 * @example WorkflowManager
                 */
                serviceId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ResourceRequestBody"];
            };
        };
        responses: {
            /** @description carried out; the state changes arrive as events */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ResourceAnswer"];
                };
            };
            /** @description INVALID_MESSAGE: wrong shape, type or value; not JSON (413 too large, 415 not JSON); UNKNOWN_COMMAND: no such command (or route: 404) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description AUTH_FAILED: bad agent credentials, or a missing / wrong client token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description NOT_BOUND: bind the service or resource first */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description UNKNOWN_SERVICE: no such service; UNKNOWN_RESOURCE: no such resource; INVALID_TARGET: the target does not exist, or is the wrong kind for the command */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description INVALID_STATE: the current state does not allow it (the button is disabled) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description UNSUPPORTED: the CTI cannot do it */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description RATE_LIMITED: too many requests, logins or connections from this source; retry after `retryAfter` seconds */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description INTERNAL: a bug; details are in the server log, never in the answer */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description OVERLOADED: the instance is past its event-loop or memory limit; retry after `retryAfter` seconds; CTI_UNAVAILABLE: the telephony platform cannot be reached */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description TIMEOUT: the telephony platform did not answer in time (`CTI_REQUEST_TIMEOUT_MS`); the request may still take effect, the events will say */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
        };
    };
    prepareSession: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description a service id (GET /services)
                 * @example WorkflowManager
                 */
                serviceId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PrepareSessionData"];
            };
        };
        responses: {
            /** @description the session was created: resource.id, and the workflow session to bind */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ServiceAnswer"];
                };
            };
            /** @description INVALID_MESSAGE: wrong shape, type or value; not JSON (413 too large, 415 not JSON); UNKNOWN_COMMAND: no such command (or route: 404); UNKNOWN_MODEL: no call model of that name */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description AUTH_FAILED: bad agent credentials, or a missing / wrong client token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description NOT_BOUND: bind the service or resource first; LOCKED_OUT: too many failed logins; try later */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description UNKNOWN_SERVICE: no such service */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description confirm: the agent already has a session; send again with override: true to replace it */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ServiceAnswer"];
                };
            };
            /** @description RATE_LIMITED: too many requests, logins or connections from this source; retry after `retryAfter` seconds */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description INTERNAL: a bug; details are in the server log, never in the answer */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description OVERLOADED: the instance is past its event-loop or memory limit; retry after `retryAfter` seconds; NOT_ACCEPTING_CLIENTS: the instance is full or shutting down; CTI_UNAVAILABLE: the telephony platform cannot be reached; DOMAIN_UNAVAILABLE: the instance domain (Redis) cannot be reached: new logins and takeovers wait for it, sessions already running carry on */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description TIMEOUT: the telephony platform did not answer in time (`CTI_REQUEST_TIMEOUT_MS`); the request may still take effect, the events will say */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
        };
    };
    simulatorAgents: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description every agent of the directory */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SimAgentsAnswer"];
                };
            };
            /** @description INVALID_MESSAGE: wrong shape, type or value; not JSON (413 too large, 415 not JSON) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description AUTH_FAILED: bad agent credentials, or a missing / wrong client token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description UNSUPPORTED: the CTI cannot do it */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description RATE_LIMITED: too many requests, logins or connections from this source; retry after `retryAfter` seconds; RATE_LIMITED: too many requests, logins or connections from this source; retry after `retryAfter` seconds */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description INTERNAL: a bug; details are in the server log, never in the answer */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description OVERLOADED: the instance is past its event-loop or memory limit; retry after `retryAfter` seconds; CTI_UNAVAILABLE: the telephony platform cannot be reached; OVERLOADED: the instance is past its event-loop or memory limit; retry after `retryAfter` seconds */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description TIMEOUT: the telephony platform did not answer in time (`CTI_REQUEST_TIMEOUT_MS`); the request may still take effect, the events will say */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
        };
    };
    simulatorCalls: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description every call */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SimCallsAnswer"];
                };
            };
            /** @description INVALID_MESSAGE: wrong shape, type or value; not JSON (413 too large, 415 not JSON) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description AUTH_FAILED: bad agent credentials, or a missing / wrong client token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description UNSUPPORTED: the CTI cannot do it */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description RATE_LIMITED: too many requests, logins or connections from this source; retry after `retryAfter` seconds; RATE_LIMITED: too many requests, logins or connections from this source; retry after `retryAfter` seconds */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description INTERNAL: a bug; details are in the server log, never in the answer */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description OVERLOADED: the instance is past its event-loop or memory limit; retry after `retryAfter` seconds; CTI_UNAVAILABLE: the telephony platform cannot be reached; OVERLOADED: the instance is past its event-loop or memory limit; retry after `retryAfter` seconds */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description TIMEOUT: the telephony platform did not answer in time (`CTI_REQUEST_TIMEOUT_MS`); the request may still take effect, the events will say */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
        };
    };
    simulatorPlaceCall: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SimPlaceCallBody"];
            };
        };
        responses: {
            /** @description the call rings (or waits in the queue) */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SimPlaceCallAnswer"];
                };
            };
            /** @description INVALID_MESSAGE: wrong shape, type or value; not JSON (413 too large, 415 not JSON) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description AUTH_FAILED: bad agent credentials, or a missing / wrong client token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description INVALID_STATE: the current state does not allow it (the button is disabled) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description UNSUPPORTED: the CTI cannot do it */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description RATE_LIMITED: too many requests, logins or connections from this source; retry after `retryAfter` seconds; RATE_LIMITED: too many requests, logins or connections from this source; retry after `retryAfter` seconds */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description INTERNAL: a bug; details are in the server log, never in the answer */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description OVERLOADED: the instance is past its event-loop or memory limit; retry after `retryAfter` seconds; CTI_UNAVAILABLE: the telephony platform cannot be reached; OVERLOADED: the instance is past its event-loop or memory limit; retry after `retryAfter` seconds */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description TIMEOUT: the telephony platform did not answer in time (`CTI_REQUEST_TIMEOUT_MS`); the request may still take effect, the events will say */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
        };
    };
    simulatorHangUp: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @example call-1 */
                callId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the caller hung up */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessAnswer"];
                };
            };
            /** @description INVALID_MESSAGE: wrong shape, type or value; not JSON (413 too large, 415 not JSON) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description AUTH_FAILED: bad agent credentials, or a missing / wrong client token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description UNKNOWN_RESOURCE: no such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description UNSUPPORTED: the CTI cannot do it */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description RATE_LIMITED: too many requests, logins or connections from this source; retry after `retryAfter` seconds; RATE_LIMITED: too many requests, logins or connections from this source; retry after `retryAfter` seconds */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description INTERNAL: a bug; details are in the server log, never in the answer */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description OVERLOADED: the instance is past its event-loop or memory limit; retry after `retryAfter` seconds; CTI_UNAVAILABLE: the telephony platform cannot be reached; OVERLOADED: the instance is past its event-loop or memory limit; retry after `retryAfter` seconds */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description TIMEOUT: the telephony platform did not answer in time (`CTI_REQUEST_TIMEOUT_MS`); the request may still take effect, the events will say */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
        };
    };
    simulatorChats: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description every chat the simulator holds */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SimChatsAnswer"];
                };
            };
            /** @description INVALID_MESSAGE: wrong shape, type or value; not JSON (413 too large, 415 not JSON) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description AUTH_FAILED: bad agent credentials, or a missing / wrong client token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description UNSUPPORTED: the CTI cannot do it */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description RATE_LIMITED: too many requests, logins or connections from this source; retry after `retryAfter` seconds; RATE_LIMITED: too many requests, logins or connections from this source; retry after `retryAfter` seconds */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description INTERNAL: a bug; details are in the server log, never in the answer */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description OVERLOADED: the instance is past its event-loop or memory limit; retry after `retryAfter` seconds; CTI_UNAVAILABLE: the telephony platform cannot be reached; OVERLOADED: the instance is past its event-loop or memory limit; retry after `retryAfter` seconds */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description TIMEOUT: the telephony platform did not answer in time (`CTI_REQUEST_TIMEOUT_MS`); the request may still take effect, the events will say */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
        };
    };
    simulatorStartChat: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SimStartChatBody"];
            };
        };
        responses: {
            /** @description the chat is offered (or waits in the queue) */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SimStartChatAnswer"];
                };
            };
            /** @description INVALID_MESSAGE: wrong shape, type or value; not JSON (413 too large, 415 not JSON) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description AUTH_FAILED: bad agent credentials, or a missing / wrong client token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description INVALID_STATE: the current state does not allow it (the button is disabled) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description UNSUPPORTED: the CTI cannot do it */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description RATE_LIMITED: too many requests, logins or connections from this source; retry after `retryAfter` seconds; RATE_LIMITED: too many requests, logins or connections from this source; retry after `retryAfter` seconds */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description INTERNAL: a bug; details are in the server log, never in the answer */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description OVERLOADED: the instance is past its event-loop or memory limit; retry after `retryAfter` seconds; CTI_UNAVAILABLE: the telephony platform cannot be reached; OVERLOADED: the instance is past its event-loop or memory limit; retry after `retryAfter` seconds */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description TIMEOUT: the telephony platform did not answer in time (`CTI_REQUEST_TIMEOUT_MS`); the request may still take effect, the events will say */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
        };
    };
    simulatorChat: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @example chat-1 */
                chatId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the chat */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SimChatAnswer"];
                };
            };
            /** @description INVALID_MESSAGE: wrong shape, type or value; not JSON (413 too large, 415 not JSON) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description AUTH_FAILED: bad agent credentials, or a missing / wrong client token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description UNKNOWN_RESOURCE: no such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description UNSUPPORTED: the CTI cannot do it */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description RATE_LIMITED: too many requests, logins or connections from this source; retry after `retryAfter` seconds; RATE_LIMITED: too many requests, logins or connections from this source; retry after `retryAfter` seconds */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description INTERNAL: a bug; details are in the server log, never in the answer */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description OVERLOADED: the instance is past its event-loop or memory limit; retry after `retryAfter` seconds; CTI_UNAVAILABLE: the telephony platform cannot be reached; OVERLOADED: the instance is past its event-loop or memory limit; retry after `retryAfter` seconds */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description TIMEOUT: the telephony platform did not answer in time (`CTI_REQUEST_TIMEOUT_MS`); the request may still take effect, the events will say */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
        };
    };
    simulatorLeaveChat: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @example chat-1 */
                chatId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the customer left */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessAnswer"];
                };
            };
            /** @description INVALID_MESSAGE: wrong shape, type or value; not JSON (413 too large, 415 not JSON) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description AUTH_FAILED: bad agent credentials, or a missing / wrong client token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description UNKNOWN_RESOURCE: no such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description UNSUPPORTED: the CTI cannot do it */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description RATE_LIMITED: too many requests, logins or connections from this source; retry after `retryAfter` seconds; RATE_LIMITED: too many requests, logins or connections from this source; retry after `retryAfter` seconds */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description INTERNAL: a bug; details are in the server log, never in the answer */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description OVERLOADED: the instance is past its event-loop or memory limit; retry after `retryAfter` seconds; CTI_UNAVAILABLE: the telephony platform cannot be reached; OVERLOADED: the instance is past its event-loop or memory limit; retry after `retryAfter` seconds */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description TIMEOUT: the telephony platform did not answer in time (`CTI_REQUEST_TIMEOUT_MS`); the request may still take effect, the events will say */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
        };
    };
    simulatorChatMessage: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @example chat-1 */
                chatId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SimChatMessageBody"];
            };
        };
        responses: {
            /** @description the message is in the transcript (and with the agent, if one has the chat) */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SimChatMessageAnswer"];
                };
            };
            /** @description INVALID_MESSAGE: wrong shape, type or value; not JSON (413 too large, 415 not JSON) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description AUTH_FAILED: bad agent credentials, or a missing / wrong client token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description UNKNOWN_RESOURCE: no such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description INVALID_STATE: the current state does not allow it (the button is disabled) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description UNSUPPORTED: the CTI cannot do it */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description RATE_LIMITED: too many requests, logins or connections from this source; retry after `retryAfter` seconds; RATE_LIMITED: too many requests, logins or connections from this source; retry after `retryAfter` seconds */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description INTERNAL: a bug; details are in the server log, never in the answer */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description OVERLOADED: the instance is past its event-loop or memory limit; retry after `retryAfter` seconds; CTI_UNAVAILABLE: the telephony platform cannot be reached; OVERLOADED: the instance is past its event-loop or memory limit; retry after `retryAfter` seconds */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description TIMEOUT: the telephony platform did not answer in time (`CTI_REQUEST_TIMEOUT_MS`); the request may still take effect, the events will say */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
        };
    };
    simulatorChatTyping: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @example chat-1 */
                chatId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SimChatTypingBody"];
            };
        };
        responses: {
            /** @description the agent is told (chat.typing) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessAnswer"];
                };
            };
            /** @description INVALID_MESSAGE: wrong shape, type or value; not JSON (413 too large, 415 not JSON) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description AUTH_FAILED: bad agent credentials, or a missing / wrong client token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description UNKNOWN_RESOURCE: no such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description INVALID_STATE: the current state does not allow it (the button is disabled) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description UNSUPPORTED: the CTI cannot do it */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description RATE_LIMITED: too many requests, logins or connections from this source; retry after `retryAfter` seconds; RATE_LIMITED: too many requests, logins or connections from this source; retry after `retryAfter` seconds */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description INTERNAL: a bug; details are in the server log, never in the answer */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description OVERLOADED: the instance is past its event-loop or memory limit; retry after `retryAfter` seconds; CTI_UNAVAILABLE: the telephony platform cannot be reached; OVERLOADED: the instance is past its event-loop or memory limit; retry after `retryAfter` seconds */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description TIMEOUT: the telephony platform did not answer in time (`CTI_REQUEST_TIMEOUT_MS`); the request may still take effect, the events will say */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
        };
    };
    simulatorAdvanceClock: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SimClockBody"];
            };
        };
        responses: {
            /** @description the new simulated time */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SimClockAnswer"];
                };
            };
            /** @description INVALID_MESSAGE: wrong shape, type or value; not JSON (413 too large, 415 not JSON) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description AUTH_FAILED: bad agent credentials, or a missing / wrong client token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description UNSUPPORTED: the CTI cannot do it */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description RATE_LIMITED: too many requests, logins or connections from this source; retry after `retryAfter` seconds; RATE_LIMITED: too many requests, logins or connections from this source; retry after `retryAfter` seconds */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description INTERNAL: a bug; details are in the server log, never in the answer */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description OVERLOADED: the instance is past its event-loop or memory limit; retry after `retryAfter` seconds; CTI_UNAVAILABLE: the telephony platform cannot be reached; OVERLOADED: the instance is past its event-loop or memory limit; retry after `retryAfter` seconds */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description TIMEOUT: the telephony platform did not answer in time (`CTI_REQUEST_TIMEOUT_MS`); the request may still take effect, the events will say */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
        };
    };
    simulatorQueues: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description every queue */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SimQueuesAnswer"];
                };
            };
            /** @description INVALID_MESSAGE: wrong shape, type or value; not JSON (413 too large, 415 not JSON) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description AUTH_FAILED: bad agent credentials, or a missing / wrong client token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description UNSUPPORTED: the CTI cannot do it */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description RATE_LIMITED: too many requests, logins or connections from this source; retry after `retryAfter` seconds; RATE_LIMITED: too many requests, logins or connections from this source; retry after `retryAfter` seconds */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description INTERNAL: a bug; details are in the server log, never in the answer */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description OVERLOADED: the instance is past its event-loop or memory limit; retry after `retryAfter` seconds; CTI_UNAVAILABLE: the telephony platform cannot be reached; OVERLOADED: the instance is past its event-loop or memory limit; retry after `retryAfter` seconds */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description TIMEOUT: the telephony platform did not answer in time (`CTI_REQUEST_TIMEOUT_MS`); the request may still take effect, the events will say */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
        };
    };
    websocket: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description AUTH_FAILED: the page's Origin may not use this server (CORS_ORIGINS) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description not an upgrade request: connect with a WebSocket client */
            426: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
            /** @description RATE_LIMITED: this source holds its share of sockets and streams, or made too many requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FailureAnswer"];
                };
            };
        };
    };
}
