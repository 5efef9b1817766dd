/**
 * Static assets under content-hashed URLs, so browsers and CDNs may keep them for a year:
 * `/assets/<hash>/app.css`. htmx and Leaflet (the CatFinder map) are served from node_modules under
 * their versions.
 *
 * Example: `<link rel="stylesheet" href={assetUrl('app.css')}>`
 */
import { readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { brotliCompressSync } from 'node:zlib'
import { Elysia, NotFoundError } from 'elysia'
import { sized } from '@/http/metrics'
import htmxPackage from 'htmx.org/package.json'
import leafletPackage from 'leaflet/package.json'

const STATIC_DIR = path.join(import.meta.dir, '..', '..', 'static')
const HTMX_FILE = path.join(path.dirname(require.resolve('htmx.org/package.json')), 'dist', 'htmx.min.js')
const LEAFLET_DIR = path.join(path.dirname(require.resolve('leaflet/package.json')), 'dist')
export const IMMUTABLE = 'public, max-age=31536000, immutable'

interface Asset {
  url: string
  bytes: Uint8Array<ArrayBuffer>
  /** Brotli-compressed once at start for text assets (htmx: 37 KB → about 12 KB). */
  brotli: Uint8Array<ArrayBuffer> | null
  contentType: string
}

const CONTENT_TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webmanifest': 'application/manifest+json',
}

/** Hashed once at start-up: the files never change while the process runs. */
const assets = new Map<string, Asset>(loadAssets())
assets.set('manifest.webmanifest', manifestAsset())

function loadAssets(): [string, Asset][] {
  const own = readdirSync(STATIC_DIR, { withFileTypes: true })
    .filter((entry) => entry.isFile() && !entry.name.endsWith('.ts'))
    .map((entry): [string, Asset] => {
      const bytes = readFileSync(path.join(STATIC_DIR, entry.name))
      const hash = Bun.hash(bytes).toString(36).slice(0, 10)
      return [entry.name, asset(`/assets/${hash}/${entry.name}`, bytes, entry.name)]
    })
  const htmx: [string, Asset] = [
    'htmx.js',
    asset(`/assets/htmx-${htmxPackage.version}/htmx.min.js`, readFileSync(HTMX_FILE), 'htmx.min.js'),
  ]
  // Loaded by static/finder-place.js only when a map is shown; the map draws circle markers, so
  // Leaflet's marker images are not needed.
  const leaflet = ['leaflet.js', 'leaflet.css'].map((file): [string, Asset] => [
    file,
    asset(`/assets/leaflet-${leafletPackage.version}/${file}`, readFileSync(path.join(LEAFLET_DIR, file)), file),
  ])
  return [...own, htmx, ...leaflet]
}

/**
 * The web app manifest (what makes the site installable), built at start because it names the icons
 * by their hashed URLs; its colours are the `--bg` token of static/app.css, like the layout's
 * theme-color. Served like any asset under a hashed URL, linked from the layout.
 */
function manifestAsset(): Asset {
  const background = lightToken('--bg')
  const icon = (name: string, size: number, purpose: 'any' | 'maskable') => ({
    src: assetUrl(name),
    sizes: `${size}x${size}`,
    type: 'image/png',
    purpose,
  })
  const manifest = {
    id: '/',
    name: 'Nine Lives',
    short_name: 'Nine Lives',
    description: 'Cat photos from people you follow, lost and found cats near you, and memorials.',
    start_url: '/',
    scope: '/',
    display: 'standalone',
    theme_color: background,
    background_color: background,
    icons: [icon('icon-192.png', 192, 'any'), icon('icon-512.png', 512, 'any'), icon('icon-maskable-512.png', 512, 'maskable')],
  }
  const bytes = new TextEncoder().encode(JSON.stringify(manifest))
  const hash = Bun.hash(bytes).toString(36).slice(0, 10)
  return asset(`/assets/${hash}/manifest.webmanifest`, bytes, 'manifest.webmanifest')
}

/** A colour token of the light scheme (the first `:root` block of static/app.css). */
function lightToken(name: string): string {
  const css = new TextDecoder().decode(assets.get('app.css')!.bytes)
  const found = new RegExp(`${name}:\\s*(#[0-9a-fA-F]{3,8})\\b`).exec(css)
  if (!found) throw new Error(`static/app.css has no colour token ${name}`)
  return found[1]!
}

function asset(url: string, bytes: Uint8Array<ArrayBuffer>, name: string): Asset {
  const contentType = CONTENT_TYPES[path.extname(name)] ?? 'application/octet-stream'
  const compressible = !contentType.startsWith('image/') || contentType === 'image/svg+xml'
  return { url, bytes, brotli: compressible ? brotliCompressSync(bytes) : null, contentType }
}

/** The versioned URL of a file in `static/` (or `htmx.js`, `leaflet.js`, `leaflet.css`). Throws on a name that isn't there. */
export function assetUrl(name: string): string {
  const found = assets.get(name)
  if (!found) throw new Error(`no static asset named ${name}`)
  return found.url
}

const byUrl = new Map([...assets.values()].map((entry) => [entry.url, entry]))

/** Browsers ask for /favicon.ico by name: not versioned, so a day's caching. */
const FAVICON_CACHE = 'public, max-age=86400'

/** Serves the assets; any other URL under /assets/ is a 404 like every other unknown URL. */
export const assetRoutes = new Elysia({ name: 'assets' })
  .get('/favicon.ico', () => {
    const favicon = assets.get('favicon.ico')!
    return new Response(favicon.bytes, { headers: { 'content-type': favicon.contentType, 'cache-control': FAVICON_CACHE } })
  })
  .get('/assets/*', ({ request, set }) => {
    const found = byUrl.get(new URL(request.url).pathname)
    if (!found) throw new NotFoundError()
    set.headers['cache-control'] = IMMUTABLE
    set.headers['content-type'] = found.contentType
    set.headers.vary = 'Accept-Encoding'
    if (found.brotli && /\bbr\b/.test(request.headers.get('accept-encoding') ?? '')) {
      set.headers['content-encoding'] = 'br'
      return sized(new Response(found.brotli), found.brotli.byteLength)
    }
    return sized(new Response(found.bytes), found.bytes.byteLength)
  })
