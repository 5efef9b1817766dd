/**
 * Times every Store command at the Store interface (`store_command_duration_seconds`), whichever
 * store is behind it: not through ioredis's tracing channel, whose per-command cost
 * src/infra/store/redis.ts switched off on purpose. `peekNear` answers without waiting and is not
 * a command; `close` is not timed either.
 */
import { storeCommandDuration } from '@/infra/metrics'
import type { Store } from '@/infra/store/store'

const UNTIMED = new Set<keyof Store>(['kind', 'peekNear', 'close'])

export function timedStore(store: Store): Store {
  const timed: Record<string, unknown> = {}
  // Cast: Object.keys widens to string[]; the keys of a Store are its own.
  for (const name of Object.keys(store) as (keyof Store)[]) {
    const command = store[name]
    if (UNTIMED.has(name) || typeof command !== 'function') continue
    // Every Store member left is an async command (the interface says so); called with its own arguments.
    const run = command as (...args: unknown[]) => Promise<unknown>
    timed[name] = (...args: unknown[]) => {
      const startedAt = performance.now()
      const seconds = () => (performance.now() - startedAt) / 1000
      return run.apply(store, args).then(
        (value) => {
          storeCommandDuration.observe({ command: name, outcome: 'ok' }, seconds())
          return value
        },
        (error: unknown) => {
          storeCommandDuration.observe({ command: name, outcome: 'error' }, seconds())
          throw error
        },
      )
    }
  }
  // The same members as `store`, the commands replaced by timed ones of the same signature.
  return Object.assign(Object.create(null), store, timed) as Store
}
