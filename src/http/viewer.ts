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
import type { RenderContext } from '@/http/render'

export function viewerContext(sessions: Sessions, notifications: Notifications, avatars: Avatars) {
  return new Elysia({ name: 'viewer' }).derive({ as: 'global' }, async ({ request, set }) => {
    const resumed = await sessions.resume(request.headers.get('cookie'))
    if (resumed?.refreshCookie) set.headers['set-cookie'] = resumed.refreshCookie
    const viewer = resumed?.viewer ?? null
    const render: RenderContext = {
      request,
      viewer,
      unreadCount: () => (viewer ? notifications.unreadCount(viewer.id) : Promise.resolve(0)),
      avatar: () => avatars.pictureOf(viewer?.avatarMediaId ?? null),
    }
    return { viewer, sessionId: resumed?.sessionId ?? null, render }
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
