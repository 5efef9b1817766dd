import type { Viewer } from '@/features/accounts/viewer'
import type { MediaPicture } from '@/features/media/service'
import { assetUrl } from '@/http/assets'
import { Avatar } from '@views/components/avatar'
import { Icon } from '@views/components/icon'
import type { IconName } from '@views/components/icon-names'

// KitaJS's <meta> lacks `media` (for a theme colour per colour scheme).
declare global {
  namespace JSX {
    interface HtmlMetaTag {
      media?: undefined | string
    }
  }
}

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
  /** The tab this page belongs to, marked as the current one (`sectionOf` its path). */
  section?: Section | null
  children: JSX.Element
}

/** The parts of the site the navigation leads to. */
export type Section = 'home' | 'explore' | 'finder' | 'memorials' | 'notifications'

/** The navigation's tab for a path: "/finder/123" is in Lost & found. */
export function sectionOf(path: string): Section | null {
  if (path === '/') return 'home'
  const first = path.split('/')[1]
  if (first === 'explore') return 'explore'
  if (first === 'finder') return 'finder'
  if (first === 'memorials') return 'memorials'
  if (first === 'notifications') return 'notifications'
  return null
}

/**
 * The page around every view: the app bar (logo, the account menu or the way in), the navigation
 * (a tab bar at the bottom of a phone, a side navigation on a wide screen: the same list, placed by
 * static/app.css), the main content, and on wide screens a second column. The second column
 * depends on the viewer, so it is never in the page: htmx fetches it (private) once it would show,
 * and without JavaScript it stays a link, so shared public pages stay the same for everyone.
 */
export function Layout({ viewer, unreadCount, avatar = null, section = null, children, ...meta }: LayoutProps): JSX.Element {
  return (
    <>
      {'<!doctype html>'}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover" />
          <title safe>{meta.title === 'Nine Lives' ? meta.title : `${meta.title} · Nine Lives`}</title>
          {meta.description ? <meta name="description" content={meta.description} /> : ''}
          {meta.canonical ? <link rel="canonical" href={meta.canonical} /> : ''}
          {meta.noindex && <meta name="robots" content="noindex" />}
          <meta name="theme-color" content="#f7f4f0" media="(prefers-color-scheme: light)" />
          <meta name="theme-color" content="#141110" media="(prefers-color-scheme: dark)" />
          <meta name="htmx-config" content='{"includeIndicatorCSS":false}' />
          <link rel="stylesheet" href={assetUrl('app.css')} />
          <link rel="icon" href={assetUrl('logo.svg')} type="image/svg+xml" />
          <link rel="apple-touch-icon" href={assetUrl('apple-touch-icon.png')} />
          <link rel="manifest" href={assetUrl('manifest.webmanifest')} />
          <script src={assetUrl('htmx.js')} defer></script>
          <script src={assetUrl('sw-register.js')} defer></script>
          {meta.head as 'safe'}
        </head>
        <body hx-boost:inherited="true">
          <a class="skip-link" href="#main">
            Skip to content
          </a>
          <header class="site-header">
            <a class="brand" href="/">
              <svg class="logo" aria-hidden="true" focusable="false">
                <use href={`${assetUrl('icons.svg')}#logo`} />
              </svg>
              Nine Lives
            </a>
            <HeaderSearch />
            {viewer ? <AccountMenu viewer={viewer} avatar={avatar} /> : <WayIn />}
          </header>
          <div class="shell">
            <Navigation viewer={viewer} unreadCount={unreadCount} section={section} />
            <main id="main">{children as 'safe'}</main>
            <SideColumn />
          </div>
          <SiteFooter />
        </body>
      </html>
    </>
  )
}

const TABS: { section: Section; href: string; label: string; icon: IconName }[] = [
  { section: 'home', href: '/', label: 'Home', icon: 'house' },
  { section: 'explore', href: '/explore', label: 'Explore', icon: 'compass' },
  { section: 'finder', href: '/finder', label: 'Lost & found', icon: 'search' },
  { section: 'memorials', href: '/memorials', label: 'Memorials', icon: 'flower-2' },
]

function Navigation({ viewer, unreadCount, section }: { viewer: Viewer | null; unreadCount: number; section: Section | null }): JSX.Element {
  return (
    <nav class="tab-bar" aria-label="Main">
      <ul>
        {TABS.map((tab) => (
          <li>
            <a class="tab" href={tab.href} aria-current={tab.section === section ? 'page' : undefined}>
              <Icon name={tab.icon} />
              <span safe>{tab.label}</span>
            </a>
          </li>
        ))}
        {viewer ? (
          <li>
            <a class="tab" href="/notifications" aria-current={section === 'notifications' ? 'page' : undefined}>
              <Icon name="bell" />
              <span>Notifications</span>
              {unreadCount > 0 && (
                <span class="badge" id="unread-count">
                  <span class="visually-hidden">unread: </span>
                  {unreadCount}
                </span>
              )}
            </a>
          </li>
        ) : (
          ''
        )}
      </ul>
    </nav>
  )
}

/** Profile, settings and signing out, behind the avatar: a <details>, so it opens without JavaScript. */
function AccountMenu({ viewer, avatar }: { viewer: Viewer; avatar: MediaPicture | null }): JSX.Element {
  return (
    <details class="menu account-menu">
      <summary>
        <Avatar handle={viewer.handle} displayName={viewer.displayName} picture={avatar} size="small" />
        Account
        <Icon name="chevron-down" class="chevron" />
      </summary>
      <div class="sheet">
        <p class="sheet-heading" safe>
          {`Signed in as @${viewer.handle}`}
        </p>
        <ul>
          <li>
            <a href={`/@${viewer.handle}`}>
              <Avatar handle={viewer.handle} displayName={viewer.displayName} picture={avatar} size="small" />
              Your profile
            </a>
          </li>
          <li>
            <a href="/settings">
              <Icon name="settings" />
              Settings
            </a>
          </li>
          <li>
            <form method="post" action="/logout">
              <button type="submit">
                <Icon name="log-out" />
                Sign out{' '}
                <span class="visually-hidden" safe>
                  {`(@${viewer.handle})`}
                </span>
              </button>
            </form>
          </li>
        </ul>
      </div>
    </details>
  )
}

/**
 * The search box on every page. On a narrow screen only its button shows, and opens /search with
 * the whole form; from 48rem the labelled field is there too.
 */
function HeaderSearch(): JSX.Element {
  return (
    <form class="header-search" role="search" method="get" action="/search">
      <label for="header-search-q">Search for</label>
      <input id="header-search-q" name="q" type="search" maxlength={200} />
      <button type="submit" class="button small">
        Search
      </button>
    </form>
  )
}

function WayIn(): JSX.Element {
  return (
    <nav class="bar-actions" aria-label="Account">
      <WayInButtons small />
    </nav>
  )
}

/** "Sign up" first, as the main action, and "Sign in" beside it. */
export function WayInButtons({ small = false }: { small?: boolean }): JSX.Element {
  return (
    <>
      <a class={small ? 'button small ghost' : 'button secondary'} href="/login">
        Sign in
      </a>
      <a class={small ? 'button small' : 'button'} href="/signup">
        Sign up
      </a>
    </>
  )
}

/**
 * The second column on wide screens ("Lost near you", people to follow), fetched once it shows
 * (`revealed`: never on a phone, where it is hidden) from the private `/side`.
 */
function SideColumn(): JSX.Element {
  return (
    <aside class="side-column" aria-label="Around you" hx-get="/side" hx-trigger="revealed" hx-swap="innerHTML" {...KEEP_ON_ERROR}>
      <div class="card">
        <h2>Lost and found near you</h2>
        <p>
          <a href="/finder">Search for lost and found cats</a>
        </p>
      </div>
    </aside>
  )
}

/** An answer other than 2xx leaves the fallback in place (htmx 4 swaps 4xx/5xx by default). */
const KEEP_ON_ERROR = { 'hx-status:4xx': 'swap:none', 'hx-status:5xx': 'swap:none' }

function SiteFooter(): JSX.Element {
  return (
    <footer class="site-footer">
      {/* An entity, not the dash itself: one character above Latin-1 doubles every page in memory (see TOWN_HINT). */}
      <p>Nine Lives {'&mdash;'} for cats and their people.</p>
      <ul>
        <li>
          <a href="/memorials">Memorial wall</a>
        </li>
        <li>
          <a href="/finder/new">Report a lost or found cat</a>
        </li>
      </ul>
    </footer>
  )
}
