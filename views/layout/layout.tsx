import type { Viewer } from '@/features/accounts/viewer'
import type { MediaPicture } from '@/features/media/service'
import { assetUrl } from '@/http/assets'
import { Picture } from '@views/components/picture'

export interface PageMeta {
  title: string
  description?: string
  canonical?: string
  noindex?: boolean
  /** Extra tags for <head> (Open Graph, JSON-LD), already escaped by their own views. */
  head?: JSX.Element
}

export interface LayoutProps extends PageMeta {
  viewer: Viewer | null
  unreadCount: number
  /** The viewer's profile photo, shown small in the header; null when none (or signed out). */
  avatar?: MediaPicture | null
  children: JSX.Element
}

export function Layout({ viewer, unreadCount, avatar = null, children, ...meta }: LayoutProps): JSX.Element {
  return (
    <>
      {'<!doctype html>'}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title safe>{meta.title === 'Nine Lives' ? meta.title : `${meta.title} · Nine Lives`}</title>
          {meta.description ? <meta name="description" content={meta.description} /> : ''}
          {meta.canonical ? <link rel="canonical" href={meta.canonical} /> : ''}
          {meta.noindex && <meta name="robots" content="noindex" />}
          <meta name="htmx-config" content='{"includeIndicatorCSS":false}' />
          <link rel="stylesheet" href={assetUrl('app.css')} />
          <script src={assetUrl('htmx.js')} defer></script>
          <script src={assetUrl('sw-register.js')} defer></script>
          {meta.head as 'safe'}
        </head>
        <body hx-boost:inherited="true">
          <a class="skip-link" href="#main">
            Skip to content
          </a>
          <SiteHeader viewer={viewer} unreadCount={unreadCount} avatar={avatar} />
          <main id="main">{children as 'safe'}</main>
          {/* An entity, not the dash itself: one character above Latin-1 doubles every page in memory (see TOWN_HINT). */}
          <footer class="site-footer">
            <p>
              Nine Lives {'&mdash;'} for cats and their people. <a href="/memorials">Memorial wall</a>
            </p>
          </footer>
        </body>
      </html>
    </>
  )
}

function SiteHeader({ viewer, unreadCount, avatar }: { viewer: Viewer | null; unreadCount: number; avatar: MediaPicture | null }): JSX.Element {
  return (
    <header class="site-header">
      <a class="brand" href="/">
        Nine Lives
      </a>
      <nav aria-label="Main">
        <ul class="site-nav">
          <li>
            <a href="/explore">Explore</a>
          </li>
          <li>
            <a href="/finder">Lost &amp; found</a>
          </li>
          {viewer ? (
            <>
              <li>
                <a href={`/@${viewer.handle}`}>
                  {/* alt="": it sits beside the link's words, which say where it goes. */}
                  {avatar ? <Picture picture={avatar} sizes="28px" class="avatar avatar-small" alt="" /> : ''}
                  Your profile
                </a>
              </li>
              <li>
                <a href="/notifications">
                  Notifications{' '}
                  {unreadCount > 0 && (
                    <span class="badge" id="unread-count">
                      <span class="visually-hidden">unread: </span>
                      {unreadCount}
                    </span>
                  )}
                </a>
              </li>
              <li>
                <a href="/settings">Settings</a>
              </li>
              <li>
                <form method="post" action="/logout">
                  <button class="link-button" type="submit">
                    Sign out{' '}
                    <span class="visually-hidden" safe>
                      {`(@${viewer.handle})`}
                    </span>
                  </button>
                </form>
              </li>
            </>
          ) : (
            <>
              <li>
                <a href="/login">Sign in</a>
              </li>
              <li>
                <a href="/signup">Sign up</a>
              </li>
            </>
          )}
        </ul>
      </nav>
    </header>
  )
}
