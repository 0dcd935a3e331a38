declare module 'autocannon' {
  interface Histogram { average: number, mean: number, p50: number, p90: number, p99: number, max: number, min: number, total: number }
  export interface Result { requests: Histogram, latency: Histogram, throughput: Histogram, errors: number, timeouts: number, non2xx: number, '2xx': number, duration: number }
  export interface Request {
    method?: string
    path?: string
    headers?: Record<string, string>
    body?: string
    setupRequest?: (request: Request, context: Record<string, any>) => Request
    onResponse?: (status: number, body: string, context: Record<string, any>) => void
  }
  export interface Options {
    url: string
    connections?: number
    duration?: number
    amount?: number
    pipelining?: number
    method?: string
    headers?: Record<string, string>
    body?: string
    requests?: Request[]
    timeout?: number
  }
  function autocannon (options: Options): Promise<Result>
  export default autocannon
}
