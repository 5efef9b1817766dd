/**
 * One scrape for all server processes (WEB_PROCESSES > 1). The processes share the port through
 * SO_REUSEPORT, not node:cluster, so prom-client's cluster aggregator does not apply: the first
 * process asks each other one for its `getMetricsAsJSON()` over Bun's IPC and merges them with
 * `AggregatorRegistry.aggregate()` (counters and histograms summed, process series per their own
 * rule). A scrape that lands on another process (the main port with the token) asks the first.
 */
import type { Subprocess } from 'bun'
import { AggregatorRegistry } from 'prom-client'
import { registry } from '@/infra/metrics'

/** How long the first process waits for another's answer before scraping without it. */
const ANSWER_TIMEOUT_MS = 2000

type MetricsJson = Awaited<ReturnType<typeof registry.getMetricsAsJSON>>

/** The messages, each under `metrics` so other IPC traffic is left alone. */
type Message =
  | { metrics: 'ask'; id: number } // first → other: your own metrics, please
  | { metrics: 'own'; id: number; json: MetricsJson } // other → first
  | { metrics: 'ask-all'; id: number } // other → first: everyone's, merged
  | { metrics: 'all'; id: number; text: string } // first → other

function isMessage(value: unknown): value is Message {
  return typeof value === 'object' && value !== null && 'metrics' in value && 'id' in value
}

export interface FirstProcessMetrics {
  /** Everyone's metrics as Prometheus text. */
  gather(): Promise<string>
  /** For Bun.spawn's `ipc` option of each other process. */
  onMessage(message: unknown, from: Subprocess): void
  /** The other processes, once started. */
  others: Subprocess[]
}

export function firstProcessMetrics(): FirstProcessMetrics {
  const waiting = new Map<number, (json: MetricsJson | null) => void>()
  let nextId = 0
  const others: Subprocess[] = []

  function askOne(other: Subprocess): Promise<MetricsJson | null> {
    const id = nextId++
    return new Promise((resolve) => {
      const timeout = setTimeout(() => finish(null), ANSWER_TIMEOUT_MS)
      const finish = (json: MetricsJson | null) => {
        clearTimeout(timeout)
        waiting.delete(id)
        resolve(json)
      }
      waiting.set(id, finish)
      try {
        other.send({ metrics: 'ask', id } satisfies Message)
      } catch {
        finish(null) // it has exited: scrape without it
      }
    })
  }

  async function gather(): Promise<string> {
    const own = await registry.getMetricsAsJSON()
    if (others.length === 0) return registry.metrics()
    const theirs = await Promise.all(others.map(askOne))
    const all = [own, ...theirs.filter((json): json is MetricsJson => json !== null)]
    return AggregatorRegistry.aggregate(all).metrics()
  }

  return {
    gather,
    others,
    onMessage(message, from) {
      if (!isMessage(message)) return
      if (message.metrics === 'own') waiting.get(message.id)?.(message.json)
      if (message.metrics === 'ask-all') {
        const id = message.id
        void gather().then((text) => from.send({ metrics: 'all', id, text } satisfies Message))
      }
    },
  }
}

/** In a process the first one started: answers its asks, and gathers everyone's through it. */
export function otherProcessMetrics(): () => Promise<string> {
  const waiting = new Map<number, (text: string) => void>()
  let nextId = 0
  process.on('message', (message: unknown) => {
    if (!isMessage(message)) return
    if (message.metrics === 'ask') {
      const id = message.id
      void registry.getMetricsAsJSON().then((json) => process.send?.({ metrics: 'own', id, json } satisfies Message))
    }
    if (message.metrics === 'all') waiting.get(message.id)?.(message.text)
  })
  return () => {
    const id = nextId++
    return new Promise((resolve, reject) => {
      const timeout = setTimeout(() => {
        waiting.delete(id)
        reject(new Error('the first server process did not answer for the metrics'))
      }, ANSWER_TIMEOUT_MS * 2)
      waiting.set(id, (text) => {
        clearTimeout(timeout)
        waiting.delete(id)
        resolve(text)
      })
      process.send?.({ metrics: 'ask-all', id } satisfies Message)
    })
  }
}
