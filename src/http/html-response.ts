/**
 * Every HTML response leaves through here: compressed when the client accepts it, with the headers
 * that every page needs (`Vary: HX-Request`, content type). One place, so no page forgets them.
 */
import { brotliCompressSync, constants as zlib } from 'node:zlib'

/** Below this the compression framing costs more than it saves. */
const MIN_COMPRESS_BYTES = 1024
/**
 * Brotli qualities, by how often the bytes are sent. A page compressed for one response costs its
 * CPU on every request: quality 2 takes ~75 µs for a 22 KB feed page, 40 % less than quality 4, for
 * 14 % more bytes (still ~3 KB). A page kept and sent many times (`EncodedHtml`) pays once, so it
 * gets quality 5: ~7 % smaller than 4.
 */
const BROTLI_QUALITY_ONCE = 2
const BROTLI_QUALITY_KEPT = 5
/**
 * A 256 KB window (2^18) holds any page whole; brotli's default 4 MB one only costs the time to set
 * it up on every call (~30 % of a small page's compression, measured).
 */
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
}

type Encoding = 'br' | 'gzip'

/** The page as HTML, compressed as the client accepts: on the spot, or once per encoding for an `EncodedHtml`. */
export function htmlResponse(request: Request, body: string | EncodedHtml, init: HtmlResponseInit = {}): Response {
  const headers = new Headers(init.headers)
  headers.set('Content-Type', 'text/html; charset=utf-8')
  headers.append('Vary', 'HX-Request')
  const html = typeof body === 'string' ? body : body.html
  const encoding = html.length < MIN_COMPRESS_BYTES ? null : acceptedEncoding(request)
  const bytes = encoding && (typeof body === 'string' ? compress(body, encoding, 'once') : (body[encoding] ??= compress(html, encoding, 'kept')))
  if (encoding && bytes) {
    headers.set('Content-Encoding', encoding)
    headers.append('Vary', 'Accept-Encoding')
  }
  return new Response(bytes || html, { status: init.status ?? 200, headers })
}

function acceptedEncoding(request: Request): Encoding | null {
  const accepted = request.headers.get('accept-encoding') ?? ''
  if (/\bbr\b/.test(accepted)) return 'br'
  if (/\bgzip\b/.test(accepted)) return 'gzip'
  return null
}

function compress(html: string, encoding: Encoding, sent: 'once' | 'kept'): Uint8Array<ArrayBuffer> {
  if (encoding === 'gzip') return Bun.gzipSync(html)
  const quality = sent === 'once' ? BROTLI_QUALITY_ONCE : BROTLI_QUALITY_KEPT
  return brotliCompressSync(html, {
    params: { [zlib.BROTLI_PARAM_QUALITY]: quality, [zlib.BROTLI_PARAM_LGWIN]: BROTLI_WINDOW_BITS, [zlib.BROTLI_PARAM_SIZE_HINT]: html.length },
  })
}
