/**
 * Purging pages from the CDN (docs/architecture.md, Caching). Public pages carry `Cache-Tag` (Cloudflare) and
 * `Surrogate-Key` (Fastly) headers naming what they show; when that changes, `purge(tags)` queues a
 * job that POSTs `{"tags": [...]}` to `CDN_PURGE_URL` (Cloudflare's purge API takes exactly this
 * body), with `Authorization: Bearer $CDN_PURGE_TOKEN` when a token is set. Queued, so a CDN outage
 * is retried with backoff instead of failing the person's edit.
 *
 * @example
 * await cdn.purge([`memorial:${memorial.id}`, 'memorials:wall'])
 */
import type { Config } from '@/config'
import type { Queue } from '@/infra/queue'

/** The purge job (its handler is registered in src/background.ts). */
export interface CdnJobs {
  'cdn.purge': { tags: string[] }
}

/** A purge that hangs would hold a queue worker; the queue retries it instead. */
const PURGE_TIMEOUT_MS = 10_000

export type CdnConfig = Pick<Config, 'cdnPurgeUrl' | 'cdnPurgeToken'>

export function createCdn({ config, queue }: { config: CdnConfig; queue: Queue<CdnJobs> }) {
  return {
    /** Queues a purge of these tags; does nothing without `CDN_PURGE_URL`. */
    async purge(tags: readonly string[]): Promise<void> {
      if (!config.cdnPurgeUrl || tags.length === 0) return
      await queue.enqueue('cdn.purge', { tags: [...new Set(tags)] })
    },

    /** The queued job: one POST; anything but a 2xx throws, so the queue retries it. */
    async sendPurge(payload: unknown): Promise<void> {
      if (!config.cdnPurgeUrl) return
      const response = await fetch(config.cdnPurgeUrl, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          ...(config.cdnPurgeToken && { Authorization: `Bearer ${config.cdnPurgeToken}` }),
        },
        body: JSON.stringify({ tags: purgeTags(payload) }),
        signal: AbortSignal.timeout(PURGE_TIMEOUT_MS),
      })
      await response.arrayBuffer()
      if (!response.ok) throw new Error(`CDN purge answered ${response.status}`)
    },
  }
}

export type Cdn = ReturnType<typeof createCdn>

/** The tags of a queued purge; a payload of another shape fails the job (and so dead-letters it). */
function purgeTags(payload: unknown): string[] {
  // Cast: the payload is unknown; only tags is read, and checked below.
  const tags = (payload as { tags?: unknown } | null)?.tags
  if (!Array.isArray(tags) || !tags.every((tag) => typeof tag === 'string')) throw new Error('a CDN purge job without tags')
  return tags
}
