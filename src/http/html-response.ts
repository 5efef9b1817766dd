/**
 * Every HTML response leaves through here: compressed when the client accepts it, with the headers
 * that every page needs (`Vary: HX-Request`, content type). One place, so no page forgets them.
 */
import { brotliCompressSync, constants as zlib } from 'node:zlib'
import { sized } from '@/http/metrics'

/** Below this the compression framing costs more than it saves. */
const MIN_COMPRESS_BYTES = 1024

type Encoding = 'zstd' | 'br' | 'gzip'
type Sent = 'once' | 'kept'

/**
 * Which codec, by how often the bytes are sent, among those the client accepts. A page compressed
 * for one response pays the compression on every request, so it takes the fastest codec that is
 * about as small (zstd 1 and gzip 3 make an HTML page as small as brotli 2, in less CPU). A page kept
 * and sent many times (`EncodedHtml`) pays once, so it gets the smallest: brotli quality 5.
 */
const PREFERRED: Record<Sent, readonly Encoding[]> = { once: ['zstd', 'gzip', 'br'], kept: ['br', 'zstd', 'gzip'] }
const LEVELS: Record<Sent, { zstd: number; gzip: 1 | 3 | 6; brotli: number }> = {
  once: { zstd: 1, gzip: 3, brotli: 2 },
  kept: { zstd: 9, gzip: 6, brotli: 5 },
}
/** A 256 KB window (2^18) holds any page whole; brotli's default 4 MB one only costs setting up on every call. */
const BROTLI_WINDOW_BITS = 18

export interface HtmlResponseInit {
  status?: number
  headers?: Record<string, string>
}

/**
 * A page sent many times (a shared page, a member's reloaded home feed): each encoding is made the
 * first time a client asks for it and kept here, so later responses compress nothing.
 */
export interface EncodedHtml {
  html: string
  br?: Uint8Array<ArrayBuffer>
  gzip?: Uint8Array<ArrayBuffer>
  zstd?: Uint8Array<ArrayBuffer>
}

/** The page as HTML, compressed as the client accepts: on the spot, or once per encoding for an `EncodedHtml`. */
export function htmlResponse(request: Request, body: string | EncodedHtml, init: HtmlResponseInit = {}): Response {
  const headers = new Headers(init.headers)
  headers.set('Content-Type', 'text/html; charset=utf-8')
  headers.append('Vary', 'HX-Request')
  const html = typeof body === 'string' ? body : body.html
  const sent: Sent = typeof body === 'string' ? 'once' : 'kept'
  const encoding = html.length < MIN_COMPRESS_BYTES ? null : acceptedEncoding(request, PREFERRED[sent])
  const bytes = encoding && (typeof body === 'string' ? compress(body, encoding, sent) : (body[encoding] ??= compress(html, encoding, sent)))
  if (encoding && bytes) {
    headers.set('Content-Encoding', encoding)
    headers.append('Vary', 'Accept-Encoding')
  }
  return sized(new Response(bytes || html, { status: init.status ?? 200, headers }), bytes ? bytes.byteLength : Buffer.byteLength(html))
}

/** The first of `preferred` that the request's Accept-Encoding allows (a `;q=0` refuses), or null. */
function acceptedEncoding(request: Request, preferred: readonly Encoding[]): Encoding | null {
  const header = request.headers.get('accept-encoding')
  if (!header) return null
  const accepted = new Set<string>()
  for (const item of header.split(',')) {
    const [name, ...params] = item.trim().toLowerCase().split(';')
    const refused = params.some((param) => /^\s*q\s*=\s*0(\.0*)?\s*$/.test(param))
    if (name && !refused) accepted.add(name.trim())
  }
  return preferred.find((encoding) => accepted.has(encoding)) ?? null
}

function compress(html: string, encoding: Encoding, sent: Sent): Uint8Array<ArrayBuffer> {
  const level = LEVELS[sent]
  // A Buffer over a plain ArrayBuffer, though its type allows a shared one.
  if (encoding === 'zstd') return Bun.zstdCompressSync(html, { level: level.zstd }) as Uint8Array<ArrayBuffer>
  if (encoding === 'gzip') return Bun.gzipSync(html, { level: level.gzip })
  return brotliCompressSync(html, {
    params: { [zlib.BROTLI_PARAM_QUALITY]: level.brotli, [zlib.BROTLI_PARAM_LGWIN]: BROTLI_WINDOW_BITS, [zlib.BROTLI_PARAM_SIZE_HINT]: html.length },
  })
}
