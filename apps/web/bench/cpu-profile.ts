/** Reads a .cpuprofile (V8's format, as `node --cpu-prof` writes it) into where the main thread's time went. */
export interface CpuSummary {
  /** Milliseconds the main thread was busy (not idle) during the profile. */
  busyMs: number
  /** Self time by area: our source files, each npm package, Node's internals, GC, native code. */
  areas: Array<{ name: string; ms: number }>
  /** The functions with the most self time. */
  functions: Array<{ name: string; ms: number }>
}

interface Profile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }>
  samples: number[]
  timeDeltas: number[]
  startTime: number
  endTime: number
}

function area(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native)'
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)
  if (pkg) return pkg[1]!
  if (url.startsWith('node:')) return 'node internals'
  // PGlite's PostgreSQL compiled to WebAssembly: the embedded database's own work.
  if (url.startsWith('wasm://')) return 'PGlite (wasm)'
  const ours = /\/((?:apps|services|packages)\/[^/]+\/src\/.*)$/.exec(url)
  return ours ? ours[1]! : url
}

export function summarise(profile: Profile, top = 10): CpuSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const self = new Map<number, number>()
  // Each sample's time is the delta to the next one; attribute it to the sampled node.
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0)))
  const areas = new Map<string, number>()
  const functions = new Map<string, number>()
  let busy = 0
  for (const [id, us] of self) {
    const { callFrame: f } = byId.get(id)!
    if (f.functionName === '(idle)') continue
    busy += us
    const a = area(f.url, f.functionName)
    areas.set(a, (areas.get(a) ?? 0) + us)
    const name = `${f.functionName || '(anonymous)'} ${f.url ? `${area(f.url, '')}:${f.lineNumber + 1}` : ''}`.trim()
    functions.set(name, (functions.get(name) ?? 0) + us)
  }
  const sorted = (m: Map<string, number>) =>
    [...m].sort((a, b) => b[1] - a[1]).slice(0, top).map(([name, us]) => ({ name, ms: us / 1000 }))
  return { busyMs: busy / 1000, areas: sorted(areas), functions: sorted(functions) }
}
