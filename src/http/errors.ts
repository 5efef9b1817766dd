/**
 * Error pages. Elysia would otherwise send a thrown error's raw message to the client, so the global
 * handler logs the error with its request id and answers with a generic page.
 */
import { Elysia } from 'elysia'
import type { Logger } from '@/infra/log'
import { StoreUnavailable } from '@/infra/store/store'
import { requestMeta } from '@/http/request-context'
import { page, type RenderContext } from '@/http/page'
import type { Done, Refused } from '@/shared/result'
import { ErrorMessage } from '@views/layout/error-page'

export const ERRORS = {
  400: { title: 'That request could not be read', message: 'Something in it was malformed. Please go back and try again.' },
  401: { title: 'Please sign in', message: 'You need to be signed in to do that. Sign in, then try again.' },
  403: { title: 'Not allowed', message: 'You are not allowed to do that.' },
  404: { title: 'Page not found', message: 'There is nothing at this address. It may have been moved or deleted.' },
  409: { title: 'Not possible any more', message: 'This can’t be done in the state things are in now.' },
  411: { title: 'Length required', message: 'This was sent without saying how large it is. Please send it again from its page.' },
  413: { title: 'Too large', message: 'What you sent is larger than we accept. Please send something smaller.' },
  415: { title: 'Not a kind of file we take', message: 'What you sent is not a kind of file we accept. Please send another.' },
  422: { title: 'That could not be saved', message: 'Something in what you sent is not right. Please go back, check it and try again.' },
  429: { title: 'Too many attempts', message: 'Please wait a little and try again.' },
  500: { title: 'Something went wrong', message: 'We could not show this page. Please try again in a moment.' },
  503: { title: 'Back in a moment', message: 'Part of Nine Lives is briefly unavailable, so this could not be done just now. Please try again in a minute.' },
} as const

/** Seconds a 503 asks the client to wait: Redis restarts in a few, and ioredis reconnects within one. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 10

export type ErrorStatus = keyof typeof ERRORS

/**
 * An HTML error page with a status, or just the message for an htmx partial request.
 * `message` overrides the generic text when a more helpful one is known ("Try again in 12 minutes").
 */
export function errorPage(
  request: Request,
  status: ErrorStatus,
  message?: string,
  headers?: Record<string, string>,
  render: RenderContext = signedOut(request),
) {
  const text = { title: ERRORS[status].title, message: message ?? ERRORS[status].message }
  return page(render, { title: text.title, main: ErrorMessage(text), fragment: () => ErrorMessage(text), status, noindex: true, headers })
}

const signedOut = (request: Request): RenderContext => ({ request, viewer: null, unreadCount: async () => 0 })

/** Thrown by routes and services to answer with an error page, e.g. `throw new HttpError(404)`. */
export class HttpError extends Error {
  constructor(
    readonly status: ErrorStatus,
    readonly userMessage?: string,
    readonly headers?: Record<string, string>,
  ) {
    super(userMessage ?? ERRORS[status].title)
  }
}

/**
 * Answers an action a service refused (src/shared/result.ts) with its error page: the refusal's
 * status, and its message when it has one. For refusals that have no form to show again.
 */
export function refuse(refused: Pick<Refused<string>, 'status' | 'message'>): never {
  throw new HttpError(refused.status, refused.message)
}

/** What a done action gave; a refused one answers with its error page, as `refuse`. */
export function doneOrRefuse<T>(result: Done<T> | Pick<Refused<string>, 'ok' | 'status' | 'message'>): T {
  if (!result.ok) refuse(result)
  return result.value
}

/**
 * Thrown to send the browser elsewhere: a 303 by default (e.g. to sign in first), or a 301 for an
 * address that moved for good (e.g. a renamed memorial's old slug), with any caching headers.
 */
export class Redirect extends Error {
  constructor(
    readonly location: string,
    readonly status: 301 | 303 = 303,
    readonly headers: Record<string, string> = {},
  ) {
    super(`redirect to ${location}`)
  }
}

/**
 * `renderFor` gives an error page the header of the viewer who met it (a 404 of a signed-in member
 * still shows their name and notifications); if it fails too, the page is the signed-out one.
 */
export function errorHandling(log: Logger, renderFor: (request: Request) => Promise<RenderContext>) {
  return new Elysia({ name: 'error-handling' }).onError({ as: 'global' }, async ({ code, error, request, set }) => {
    if (error instanceof Redirect) {
      set.status = error.status
      return new Response(null, { status: error.status, headers: { ...error.headers, Location: error.location } })
    }
    const status = statusFor(code, error)
    set.status = status
    if (status === 500) requestMeta(request, log).log.error({ err: error }, 'unhandled error')
    if (error instanceof StoreUnavailable) requestMeta(request, log).log.warn({ err: error }, 'store unavailable: answered 503')
    const message = error instanceof HttpError ? error.userMessage : undefined
    const headers =
      error instanceof HttpError ? error.headers : error instanceof StoreUnavailable ? { 'Retry-After': String(UNAVAILABLE_RETRY_AFTER_SECONDS) } : undefined
    const render = await renderFor(request).catch(() => signedOut(request))
    return errorPage(request, status, message, headers, render)
  })
}

function statusFor(code: string | number, error: unknown): ErrorStatus {
  if (error instanceof HttpError) return error.status
  if (error instanceof StoreUnavailable) return 503
  if (code === 'NOT_FOUND') return 404
  if (code === 'PARSE' || code === 'VALIDATION' || code === 'INVALID_COOKIE_SIGNATURE') return 400
  // Cast: `code in ERRORS` has just shown this number is one of ErrorStatus.
  if (typeof code === 'number' && code in ERRORS) return code as ErrorStatus
  return 500
}

/**
 * Refuses to go on with a request whose client has gone (closed the connection, gave up waiting):
 * called by routes just before their first write, so nothing is written for an answer nobody will
 * read — a retry of it would write it twice (issue 18, defect 2).
 */
export function throwIfAbandoned(request: Request): void {
  if (request.signal.aborted) throw new HttpError(400, 'This request was cancelled before it was carried out, so nothing was saved.')
}
