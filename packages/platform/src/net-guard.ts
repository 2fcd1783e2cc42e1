import { AsyncLocalStorage } from 'node:async_hooks'
import { lookup as dnsLookup, type LookupAddress } from 'node:dns'
import ipaddr from 'ipaddr.js'
import { Agent, Dispatcher, buildConnector, getGlobalDispatcher, setGlobalDispatcher } from 'undici'

/**
 * The connect-time guard for requests to addresses people choose (issue 12, DNS rebinding).
 *
 * A URL check before a request (the URL guards) resolves the host once; the connection resolves it
 * again, and a name that answered a public address to the check may answer 127.0.0.1 to the
 * connection. This guard sits where the socket is opened: an undici Agent whose connector checks
 * the very addresses it connects to (ipaddr.js: only public unicast), unless the origin is one the
 * configuration allows (the sandbox on localhost in dev and test). Redirects are covered too: each
 * hop opens its own connection.
 *
 * Only the requests made inside `run` (or through a client `wrap`ped by it) use this Agent; every
 * other request of the process (one process may hold web, payments and the sandbox) goes on as
 * before. The SDK (@interledger/open-payments) takes no fetch or dispatcher of its own, so the
 * process's global dispatcher is a thin switch (installed once) that hands each request to the
 * Agent of the guard it runs under, found through AsyncLocalStorage.
 */
export interface NetGuard {
  /** Runs `fn` with every fetch inside it guarded at connect time. */
  run<T>(fn: () => Promise<T>): Promise<T>
  /** The same object whose every method (at any depth: `client.grant.request`) runs under `run`. */
  wrap<T extends object>(target: T): T
  /** The guard's own Agent, for a client that dispatches itself (undici's `request`): guarded in or out of `run`. */
  readonly dispatcher: Dispatcher
  /** Closes the guard's connections. */
  close(): Promise<void>
}

/** What a guarded request fails with when its host resolved to a refused address (the SDK keeps only "fetch failed"). */
export class NetGuardRefusal extends Error {
  readonly code = 'ERR_NET_GUARD_REFUSED'
}

export type Resolve = (host: string) => Promise<LookupAddress[]>

export interface NetGuardOptions {
  /** Origins that may be reached whatever their addresses (`http://localhost:4100`): configuration, never code. */
  allowedOrigins: readonly string[]
  /** The service's own origin, also allowed, read at each connection: tests listening on port 0 learn it only after start. */
  ownOrigin?: () => string
  /** The name resolution the connection uses (tests inject one; default: the system's, as net.connect). */
  resolve?: Resolve
  connectTimeoutMs?: number
}

interface Scope {
  agent: Agent
  refusal?: string
}

const scopes = new AsyncLocalStorage<Scope>()

/** The global dispatcher: the Agent of the current guard, or the process's usual dispatcher. */
class ScopedDispatcher extends Dispatcher {
  constructor(readonly fallback: Dispatcher) {
    super()
  }
  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    const headers = oneContentLength(options.headers)
    return (scopes.getStore()?.agent ?? this.fallback).dispatch(headers === options.headers ? options : { ...options, headers }, handler)
  }
  override close(): Promise<void> {
    return this.fallback.close()
  }
  override destroy(): Promise<void> {
    return this.fallback.destroy()
  }
}

/**
 * Node 20's own fetch appends its Content-Length to one the caller set (the SDK sets and signs it), and
 * hands "150, 150" to the dispatcher: its bundled undici reads the first number, undici 7's Agent refuses
 * the request. Identical values are one value (RFC 9110 §8.6); anything else is left for undici to refuse.
 */
function oneContentLength(headers: Dispatcher.DispatchOptions['headers']): Dispatcher.DispatchOptions['headers'] {
  if (!headers || typeof headers !== 'object' || Array.isArray(headers) || Symbol.iterator in headers) return headers
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() !== 'content-length' || typeof value !== 'string' || !value.includes(',')) continue
    const values = value.split(',').map((v) => v.trim())
    if (values.every((v) => v === values[0])) return { ...headers, [name]: values[0] }
  }
  return headers
}

// The fallback is whatever was global first: on Node 20 normally undici 7's Agent (installed when this module loads
// undici), on Node 22 usually Node's own bundled Agent (created when node:http is loaded from ESM).
function installSwitch(): void {
  const current = getGlobalDispatcher()
  if (!(current instanceof ScopedDispatcher)) setGlobalDispatcher(new ScopedDispatcher(current))
}

const systemResolve: Resolve = (host) =>
  new Promise((resolve, reject) => dnsLookup(host, { all: true, verbatim: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))))

/** Why an address may not be connected to, or undefined for a public unicast one. */
export function refusedAddress(address: string): string | undefined {
  if (!ipaddr.isValid(address)) return 'is not an IP address'
  const range = ipaddr.process(address).range()
  return range === 'unicast' ? undefined : `resolves to a ${range} address`
}

function originOf(o: buildConnector.Options): string | undefined {
  try {
    return new URL(`${o.protocol}//${o.hostname}${o.port ? `:${o.port}` : ''}`).origin
  } catch {
    return undefined
  }
}

export function createNetGuard(options: NetGuardOptions): NetGuard {
  installSwitch()
  const allowed = new Set(options.allowedOrigins.map((o) => new URL(o).origin))
  const resolve = options.resolve ?? systemResolve
  const timeout = options.connectTimeoutMs ?? 10_000
  const refuse = (host: string, why: string): NetGuardRefusal => {
    const refusal = new NetGuardRefusal(`${host} ${why}: not connected`)
    const scope = scopes.getStore()
    if (scope) scope.refusal = refusal.message
    return refusal
  }
  // net.connect calls this with the name; every address it may try is checked (unless the origin is
  // allowed), then handed over.
  const lookup = (check: boolean) => (host: string, opts: { all?: boolean }, callback: (...args: unknown[]) => void): void => {
    resolve(host).then(
      (addresses) => {
        const bad = check ? addresses.map((a) => refusedAddress(a.address)).find(Boolean) : undefined
        if (addresses.length === 0 || bad) return callback(refuse(host, bad ?? 'has no address'))
        if (opts.all) return callback(null, addresses)
        return callback(null, addresses[0]!.address, addresses[0]!.family)
      },
      (error: unknown) => callback(error)
    )
  }
  const plain = buildConnector({ timeout, lookup: lookup(false) as never })
  const checked = buildConnector({ timeout, lookup: lookup(true) as never })
  const connect: buildConnector.connector = (o, callback) => {
    const origin = originOf(o)
    if (origin && (allowed.has(origin) || (options.ownOrigin && origin === new URL(options.ownOrigin()).origin))) return plain(o, callback)
    // An address written as such is never looked up: check it here.
    const host = o.hostname.replace(/^\[|\]$/g, '')
    if (ipaddr.isValid(host)) {
      const bad = refusedAddress(host)
      if (bad) return callback(refuse(host, bad), null)
      return plain(o, callback)
    }
    return checked(o, callback)
  }
  const agent = new Agent({ connect })

  async function run<T>(fn: () => Promise<T>): Promise<T> {
    const scope: Scope = { agent }
    try {
      return await scopes.run(scope, fn)
    } catch (error) {
      // The SDK turns the connection's error into "fetch failed": say what really happened.
      if (scope.refusal) throw new NetGuardRefusal(scope.refusal, { cause: error })
      throw error
    }
  }

  function wrap<T extends object>(target: T): T {
    return new Proxy(target, {
      get(object, key, receiver) {
        const value: unknown = Reflect.get(object, key, receiver)
        if (typeof value === 'function') return (...args: unknown[]) => run(async () => (value as (...a: unknown[]) => unknown).apply(object, args))
        if (value && typeof value === 'object') return wrap(value)
        return value
      }
    })
  }

  return { run, wrap, dispatcher: agent, close: () => agent.close() }
}
