// The REST face of one server, for one client record. Every answer keeps the HIS result form;
// a failure becomes an ApiError with the server's code and message (never a password).

export class ApiError extends Error {
  constructor (code, message, status) {
    super(message)
    this.code = code
    this.status = status
  }
}

/** One fetch with the HIS answer forms: success, confirm (returned), failure (thrown). */
export async function call (base, method, path, { token, body, signal } = {}) {
  const headers = {}
  if (token !== undefined) headers.authorization = `Bearer ${token}`
  if (body !== undefined) headers['content-type'] = 'application/json'
  let response
  try {
    response = await fetch(base + path, {
      method,
      headers,
      ...(body !== undefined && { body: JSON.stringify(body) }),
      ...(signal !== undefined && { signal }),
      cache: 'no-store'
    })
  } catch (err) {
    throw new ApiError('UNREACHABLE', `cannot reach ${base || 'the server'}`, 0)
  }
  let answer
  try {
    answer = await response.json()
  } catch {
    throw new ApiError('INVALID_MESSAGE', `unexpected answer from the server (HTTP ${response.status})`, response.status)
  }
  if (answer.result === 'failure') {
    const failure = answer.failure ?? {}
    throw new ApiError(failure.code ?? 'INTERNAL', failure.message ?? `HTTP ${response.status}`, response.status)
  }
  return answer
}

/** A client record on a server: open it, then every call carries its token. */
export class Client {
  constructor (base, clientId, token) {
    this.base = base
    this.id = clientId
    this.token = token
  }

  static async open (base, name) {
    const answer = await call(base, 'POST', '/clients', { body: { name } })
    return new Client(base, answer.clientId, answer.token)
  }

  request (method, path, body, signal) {
    return call(this.base, method, path, { token: this.token, body, signal })
  }

  bindService (serviceId) {
    return this.request('POST', `/services/${encodeURIComponent(serviceId)}/binding`)
  }

  /** `signal`: gives up (UNREACHABLE) when it aborts, e.g. AbortSignal.timeout() for a liveness probe. */
  capabilities (serviceId, signal) {
    return this.request('GET', `/services/${encodeURIComponent(serviceId)}/capabilities`, undefined, signal)
  }

  prepareSession (serviceId, agent, model, override) {
    return this.request('POST', `/services/${encodeURIComponent(serviceId)}/sessions`, { agent, model, override })
  }

  resourcePath (serviceId, resourceId) {
    return `/services/${encodeURIComponent(serviceId)}/resources/${encodeURIComponent(resourceId)}`
  }

  bindResource (serviceId, resourceId) {
    return this.request('POST', `${this.resourcePath(serviceId, resourceId)}/binding`)
  }

  snapshot (serviceId, resourceId) {
    return this.request('GET', this.resourcePath(serviceId, resourceId))
  }

  sessionRequest (serviceId, resourceId, command, target, data) {
    return this.request('POST', `${this.resourcePath(serviceId, resourceId)}/requests`, {
      command,
      ...(target !== undefined && { target }),
      ...(data !== undefined && { data })
    })
  }

  close () {
    return this.request('DELETE', `/clients/${encodeURIComponent(this.id)}`)
  }
}
