/**
 * Every HTML response leaves through here: compressed when the client accepts it, with the headers
 * that every page needs (`Vary: HX-Request`, content type). One place, so no page forgets them.
 */
import { brotliCompressSync, constants as zlib } from 'node:zlib'

/** Below this the compression framing costs more than it saves. */
const MIN_COMPRESS_BYTES = 1024
/** Brotli quality 4 compresses a page in well under a millisecond and still beats gzip -6 in size. */
const BROTLI_QUALITY = 4

export interface HtmlResponseInit {
  status?: number
  headers?: Record<string, string>
}

/** A page in every encoding we send, made once for a page that many requests share (see render.ts). */
export interface EncodedHtml {
  html: string
  br: Uint8Array<ArrayBuffer> | null
  gzip: Uint8Array<ArrayBuffer> | null
}

type Encoding = 'br' | 'gzip'

/** `html` compressed both ways (nothing for a page too small to gain from it). */
export function encodeHtml(html: string): EncodedHtml {
  if (html.length < MIN_COMPRESS_BYTES) return { html, br: null, gzip: null }
  return { html, br: compress(html, 'br'), gzip: compress(html, 'gzip') }
}

/** The page as HTML, compressed as the client accepts: on the spot, or from an `EncodedHtml` made earlier. */
export function htmlResponse(request: Request, body: string | EncodedHtml, init: HtmlResponseInit = {}): Response {
  const headers = new Headers(init.headers)
  headers.set('Content-Type', 'text/html; charset=utf-8')
  headers.append('Vary', 'HX-Request')
  const html = typeof body === 'string' ? body : body.html
  const encoding = html.length < MIN_COMPRESS_BYTES ? null : acceptedEncoding(request)
  const bytes = encoding && (typeof body === 'string' ? compress(body, encoding) : body[encoding])
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

function compress(html: string, encoding: Encoding): Uint8Array<ArrayBuffer> {
  if (encoding === 'gzip') return Bun.gzipSync(html)
  return brotliCompressSync(html, { params: { [zlib.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY } })
}
