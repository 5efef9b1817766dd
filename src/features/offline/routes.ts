/**
 * `/sw.js`, the service worker (static/sw.js, with its settings in front), and `/offline`, the page
 * it shows when there is no network and no kept copy. Served from the root so that the worker's
 * scope is the whole site.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { Elysia } from 'elysia'
import { assetUrl } from '@/http/assets'
import { page } from '@/http/page'
import { OfflinePage } from '@views/offline/offline'

const OFFLINE_URL = '/offline'
const WORKER_SOURCE = readFileSync(path.join(import.meta.dir, '..', '..', '..', 'static', 'sw.js'), 'utf8')

/** The worker with its settings: built once, since the assets it names never change while we run. */
export function serviceWorkerSource(): string {
  const precache = [OFFLINE_URL, assetUrl('app.css'), assetUrl('offline-list.js')]
  // A new version whenever the worker or what it precaches changes: the browser then installs it.
  const version = Bun.hash(WORKER_SOURCE + precache.join(' ')).toString(36)
  const settings = [
    `const VERSION = ${JSON.stringify(version)}`,
    `const PRECACHE_URLS = ${JSON.stringify(precache)}`,
    `const OFFLINE_URL = ${JSON.stringify(OFFLINE_URL)}`,
  ].join('\n')
  return `${settings}\n${WORKER_SOURCE}`
}

export function offlineRoutes() {
  const source = serviceWorkerSource()
  return new Elysia({ name: 'offline' })
    .get(
      '/sw.js',
      () =>
        new Response(source, {
          // Browsers check for a new worker at least daily whatever this says; no-cache makes it every visit.
          headers: { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-cache' },
        }),
    )
    // Always the signed-out rendering: it is kept by the worker and shown to whoever is offline.
    .get(OFFLINE_URL, ({ request }) =>
      page({ request, viewer: null, unreadCount: async () => 0 }, { title: 'You are offline', main: OfflinePage(), noindex: true }),
    )
}
