/*
 * The Nine Lives service worker, served at /sw.js (src/features/offline/routes.ts puts the settings
 * of section 1 in front of this file) and registered by static/sw-register.js when JavaScript is on.
 *
 * Sections, each owned by the feature named in its heading; add yours as a new section:
 *   1. Settings from the server
 *   2. Install and activate: the offline page and stylesheet, old caches removed
 *   3. Offline memorials: the memorial pages and photos a visitor opened stay readable offline,
 *      every other page falls back to the offline page
 *   4. Push notifications: show what the server pushed (lost-cat alerts, sightings, messages…),
 *      and open its page when tapped
 */
'use strict'

/* ---- 1. Settings from the server --------------------------------------------------------------
 * VERSION changes whenever this file or a precached asset changes; PRECACHE_URLS is what the
 * offline page needs; OFFLINE_URL is that page. They are defined above this comment. */
/* global VERSION, PRECACHE_URLS, OFFLINE_URL */

/* ---- 2. Install and activate ----------------------------------------------------------------- */
const SHELL_CACHE = 'nl-shell-' + VERSION
// Unversioned: a visitor's kept memorials survive a deploy. Hashed asset URLs never go stale.
const PAGES_CACHE = 'nl-memorial-pages'
const IMAGES_CACHE = 'nl-memorial-images'
const ASSETS_CACHE = 'nl-assets'
const OWN_CACHES = [SHELL_CACHE, PAGES_CACHE, IMAGES_CACHE, ASSETS_CACHE]

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(SHELL_CACHE)
      .then((cache) => cache.addAll(PRECACHE_URLS))
      .then(() => self.skipWaiting()),
  )
})

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((name) => name.startsWith('nl-') && !OWN_CACHES.includes(name)).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  )
})

/* ---- 3. Offline memorials -------------------------------------------------------------------- */
// Enough for the memorials someone returns to; the oldest go first beyond these.
const MAX_PAGES = 50
const MAX_IMAGES = 300
// /memorials/<slug>: a memorial page (not /memorials/new, and not its sub-pages).
const MEMORIAL_PAGE = /^\/memorials\/(?!new$)[a-z0-9]+(?:-[a-z0-9]+)*$/
// Signing out forgets the pages kept for offline: the next person on this device must not find them.
const SIGN_OUT_PATHS = ['/logout', '/logout/everywhere']

self.addEventListener('fetch', (event) => {
  const request = event.request
  const url = new URL(request.url)
  const ownOrigin = url.origin === self.location.origin
  if (request.method === 'POST' && ownOrigin && SIGN_OUT_PATHS.includes(url.pathname)) {
    event.waitUntil(caches.delete(PAGES_CACHE))
    return
  }
  if (request.method !== 'GET') return
  if (ownOrigin && isPageRequest(request)) event.respondWith(page(request, url))
  else if (ownOrigin && url.pathname.startsWith('/assets/')) event.respondWith(asset(request))
  else if (request.destination === 'image') event.respondWith(image(request, event.clientId))
})

/** A browser navigation, or an htmx boosted one (a full page fetched by htmx). */
function isPageRequest(request) {
  return request.mode === 'navigate' || request.headers.get('HX-Request-Type') === 'full'
}

/** Pages come from the network; a memorial page is kept, and given back from the cache when offline. */
async function page(request, url) {
  const memorial = MEMORIAL_PAGE.test(url.pathname)
  try {
    const response = await fetch(request)
    if (memorial && response.ok) await keep(PAGES_CACHE, url.pathname, response.clone(), MAX_PAGES)
    return response
  } catch (offline) {
    const kept = memorial ? await caches.match(url.pathname, { cacheName: PAGES_CACHE, ignoreVary: true }) : undefined
    return kept || (await caches.match(OFFLINE_URL, { cacheName: SHELL_CACHE })) || Response.error()
  }
}

/** Stylesheets and scripts under hashed URLs never change: any cache first (the shell's too), kept for offline pages. */
async function asset(request) {
  const kept = await caches.match(request, { ignoreVary: true })
  if (kept) return kept
  const response = await fetch(request)
  if (response.ok) await (await caches.open(ASSETS_CACHE)).put(request, response.clone())
  return response
}

/**
 * Photos on a memorial page (or the wall) are kept once seen: the cache first. Photos on a media CDN
 * are fetched with CORS so that they can be kept (an opaque response would cost megabytes of quota
 * each); a CDN without CORS still shows them, just not offline.
 */
async function image(request, clientId) {
  const client = clientId ? await self.clients.get(clientId) : null
  const onMemorial = client && new URL(client.url).pathname.startsWith('/memorials')
  if (!onMemorial) return fetch(request)
  const kept = await caches.match(request.url, { cacheName: IMAGES_CACHE, ignoreVary: true })
  if (kept) return kept
  const response = await fetch(request.url, { mode: 'cors', credentials: 'omit' }).catch(() => fetch(request))
  if (response.ok && response.type !== 'opaque') await keep(IMAGES_CACHE, request.url, response.clone(), MAX_IMAGES)
  return response
}

async function keep(cacheName, key, response, max) {
  const cache = await caches.open(cacheName)
  await cache.delete(key) // re-added at the end: the oldest entry is first in line to go
  await cache.put(key, response)
  const keys = await cache.keys()
  await Promise.all(keys.slice(0, Math.max(0, keys.length - max)).map((old) => cache.delete(old)))
}

/* ---- 4. Push notifications ------------------------------------------------------------------- */
// The server sends JSON (src/features/notifications/push-sender.ts, PushMessage): title, body, url,
// icon (the cat's thumbnail) and tag. A later push with the same tag replaces the one shown, so an
// alert sent twice (a retried batch) shows once.
self.addEventListener('push', (event) => {
  const message = readPush(event)
  event.waitUntil(
    self.registration.showNotification(message.title, {
      body: message.body,
      icon: message.icon,
      tag: message.tag,
      data: { url: message.url },
    }),
  )
})

function readPush(event) {
  try {
    const message = event.data ? event.data.json() : {}
    return {
      title: String(message.title || 'Nine Lives'),
      body: String(message.body || ''),
      icon: typeof message.icon === 'string' ? message.icon : undefined,
      tag: typeof message.tag === 'string' ? message.tag : undefined,
      url: typeof message.url === 'string' ? message.url : '/notifications',
    }
  } catch (unreadable) {
    return { title: 'Nine Lives', body: 'You have a new notification.', url: '/notifications' }
  }
}

// Tapping opens the page: a tab of ours already showing it comes to the front; otherwise a new one.
// Only our own pages: a push is encrypted for this browser, but a link elsewhere has no business here.
self.addEventListener('notificationclick', (event) => {
  event.notification.close()
  const target = new URL((event.notification.data && event.notification.data.url) || '/notifications', self.location.origin)
  const url = target.origin === self.location.origin ? target.href : new URL('/notifications', self.location.origin).href
  event.waitUntil(
    self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((windows) => {
      const open = windows.find((client) => client.url === url)
      return open ? open.focus() : self.clients.openWindow(url)
    }),
  )
})
