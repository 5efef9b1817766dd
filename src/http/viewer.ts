/**
 * Session → viewer for every route registered after it: `viewer` (or null), `sessionId`, and the
 * `render` context the page helpers take. A session that lucia extended sends its refreshed cookie.
 */
import { Elysia } from 'elysia'
import type { Avatars } from '@/features/accounts/avatars'
import type { Sessions } from '@/features/accounts/sessions'
import type { Viewer } from '@/features/accounts/viewer'
import type { Notifications } from '@/features/notifications/service'
import { HttpError, Redirect } from '@/http/errors'
import type { RenderContext } from '@/http/page'

export interface ResumedRequest {
  render: RenderContext
  sessionId: string | null
  /** Set-Cookie for a session lucia extended, or null. */
  refreshCookie: string | null
}

/** The render context of any request: its viewer from the session cookie, and what the layout asks of them. */
export function requestViewers(sessions: Sessions, notifications: Notifications, avatars: Avatars) {
  return async (request: Request): Promise<ResumedRequest> => {
    const resumed = await sessions.resume(request.headers.get('cookie'))
    const viewer = resumed?.viewer ?? null
    const render: RenderContext = {
      request,
      viewer,
      unreadCount: () => (viewer ? notifications.unreadCount(viewer.id) : Promise.resolve(0)),
      avatar: () => avatars.pictureOf(viewer?.avatarMediaId ?? null),
    }
    return { render, sessionId: resumed?.sessionId ?? null, refreshCookie: resumed?.refreshCookie ?? null }
  }
}

export type RequestViewers = ReturnType<typeof requestViewers>

export function viewerContext(viewers: RequestViewers) {
  return new Elysia({ name: 'viewer' }).derive({ as: 'global' }, async ({ request, set }) => {
    const { render, sessionId, refreshCookie } = await viewers(request)
    if (refreshCookie) set.headers['set-cookie'] = refreshCookie
    return { viewer: render.viewer, sessionId, render }
  })
}

/**
 * The viewer of a page or action that needs an account. Signed out, it throws: a page redirects to
 * sign in and comes back; an action answers 401 (a signed-out POST has nothing to go back to).
 */
export function requireViewer(render: RenderContext): Viewer {
  if (render.viewer) return render.viewer
  const { request } = render
  if (request.method !== 'GET' && request.method !== 'HEAD') throw new HttpError(401)
  const here = new URL(request.url)
  throw new Redirect(`/login?next=${encodeURIComponent(here.pathname + here.search)}`)
}
