// The one place handlers read process.env. Each handler reads its variables once per cold start
// (see `once`) and a missing one fails with an error that names it.

export class MissingEnvironmentError extends Error {
  readonly code = 'MissingEnvironmentVariable'
  constructor(readonly variable: string) {
    super(`reading environment variable (${variable}): not set; the deploy step must set it`)
    this.name = 'MissingEnvironmentError'
  }
}

type Env = Record<string, string | undefined>

/** `websocket-connections` → `TABLE_WEBSOCKET_CONNECTIONS`, the variable the deploy step sets per table. */
export function tableEnvName(logicalId: string): string {
  return `TABLE_${logicalId.toUpperCase().replaceAll('-', '_')}`
}

export function requireEnv(name: string, env: Env = process.env): string {
  const value = env[name]?.trim()
  if (!value) throw new MissingEnvironmentError(name)
  return value
}

export function optionalEnv(name: string, env: Env = process.env): string | undefined {
  const value = env[name]?.trim()
  return value ? value : undefined
}

/** The physical name of a table, from `TABLE_<LOGICAL_ID>`. */
export function tableName(logicalId: string, env: Env = process.env): string {
  return requireEnv(tableEnvName(logicalId), env)
}

/** A positive integer variable; required unless a fallback is given. */
export function intEnv(name: string, opts: { fallback?: number; env?: Env } = {}): number {
  const raw = optionalEnv(name, opts.env)
  if (raw === undefined) {
    if (opts.fallback === undefined) throw new MissingEnvironmentError(name)
    return opts.fallback
  }
  const value = Number(raw)
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value <= 0) {
    throw new Error(`reading environment variable (${name}): expected a positive integer`)
  }
  return value
}

/** Memoises a successful result for the life of the execution environment (one cold start). */
export function once<T>(build: () => T): () => T {
  let built: { value: T } | undefined
  return () => {
    built ??= { value: build() }
    return built.value
  }
}
