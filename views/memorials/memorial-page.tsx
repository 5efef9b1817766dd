/**
 * The memorial page. What every visitor sees alike (hero, story and gallery, tributes) is rendered by
 * `MemorialHero`, `MemorialContent` and `TributeList` and cached as HTML (page-cache.ts); the parts
 * that depend on the visitor — their candle, the tribute form, the owner's tools — are `CandleBox`,
 * `TributeCompose` and `OwnerTools`, rendered per request:
 *
 * - signed in, or on a private variant (`?candle=lit`): in the page itself;
 * - in the shared page for signed-out visitors: the signed-out default, and with JS `CandleBox` loads
 *   `VisitorParts` from `/memorials/:slug/you` (private), which replaces all three.
 */
import type { Viewer } from '@/features/accounts/viewer'
import type { MediaPicture } from '@/features/media/service'
import type { CandleState } from '@/features/memorials/candles'
import { formatPartialDate, partialDateAttribute, type AnniversaryKind, type PartialDate } from '@/features/memorials/dates'
import type { CachedMemorialPage } from '@/features/memorials/page-cache'
import { ShareLinks } from '@views/components/share-links'
import { ShareTags } from '@views/components/share-tags'
import type { Memorial } from '@/features/memorials/service'
import type { TrustedHtml } from '@/features/memorials/story'
import type { Tribute } from '@/features/memorials/tributes'
import { TRIBUTE_MAX } from '@/features/memorials/tributes'
import { HxPartial } from '@views/components/hx-partial'
import { JsonLd } from '@views/components/json-ld'
import { Picture } from '@views/components/picture'
import { FlagLink } from '@views/components/flag-link'

/** What a page says after a plain-HTML form sent the visitor back to it. */
export type Notice = 'tribute-shown' | 'tribute-waiting' | 'flagged'

/** The visitor-dependent state of a page. */
export interface VisitorState {
  viewer: Viewer | null
  candle: CandleState
  isOwner: boolean
  /** Tributes waiting for the owner's approval (owner only). */
  waitingTributes: number
  notice: Notice | null
  /** What the visitor typed into a tribute that was refused, with why. */
  tributeDraft?: { body: string; error: string }
}

export interface MemorialPageProps {
  page: CachedMemorialPage
  /** null: the shared rendering for signed-out visitors (cacheable by a CDN). */
  visitor: VisitorState | null
  anniversary: { kind: AnniversaryKind; years: number } | null
  /** The page's address, for the share links (public and unlisted memorials: their link is for sharing). */
  url: string
}

export function MemorialPage({ page, visitor, anniversary, url }: MemorialPageProps): JSX.Element {
  const { memorial } = page
  return (
    <article class="memorial" aria-labelledby="memorial-name">
      <OwnerToolsSlot>{visitor ? <OwnerTools memorial={memorial} visitor={visitor} /> : ''}</OwnerToolsSlot>
      {page.hero as 'safe'}
      {anniversary ? <AnniversaryCandle name={memorial.name} kind={anniversary.kind} years={anniversary.years} /> : ''}
      <CandleBox memorial={memorial} state={visitor?.candle ?? null} load={!visitor} />
      {page.content as 'safe'}
      <section class="tributes" id="tributes" aria-labelledby="tributes-heading">
        <h2 id="tributes-heading">Tributes</h2>
        <div id="tribute-compose" class="tribute-compose">
          <TributeCompose memorial={memorial} visitor={visitor} />
        </div>
        {page.tributes as 'safe'}
      </section>
      {memorial.visibility === 'private' ? '' : <ShareLinks url={url} text={memorialTitle(memorial)} heading="Share their memorial" />}
      {memorial.visibility === 'private' || visitor?.isOwner ? '' : <p class="flag-line"><FlagLink kind="memorial" id={memorial.id} /></p>}
    </article>
  )
}

/** Cover photo, name and dates: the top of the page, cached. */
export function MemorialHero({ memorial, cover }: { memorial: Memorial; cover: MediaPicture | null }): JSX.Element {
  return (
    <header class="memorial-hero">
      {cover ? <Picture picture={cover} sizes="(min-width: 42rem) 40rem, 100vw" priority class="memorial-cover" /> : ''}
      <p class="memorial-kicker">In loving memory of</p>
      <h1 id="memorial-name" class="memorial-name" safe>
        {memorial.name}
      </h1>
      <LifeDates born={memorial.born} passed={memorial.passed} />
    </header>
  )
}

/** "14 March 2009 – 2 June 2024", each date a <time>. */
export function LifeDates({ born, passed }: { born: PartialDate | null; passed: PartialDate }): JSX.Element {
  return (
    <p class="memorial-dates">
      {born ? (
        <>
          <time datetime={partialDateAttribute(born)} safe>
            {formatPartialDate(born)}
          </time>
          {' – '}
        </>
      ) : (
        <span class="visually-hidden">Died </span>
      )}
      <time datetime={partialDateAttribute(passed)} safe>
        {formatPartialDate(passed)}
      </time>
    </p>
  )
}

/** The story and the gallery, cached. */
export function MemorialContent({ story, gallery }: { story: TrustedHtml; gallery: MediaPicture[] }): JSX.Element {
  return (
    <>
      {story ? <section class="memorial-story" aria-label="Their story">{story as 'safe'}</section> : ''}
      {gallery.length > 0 && (
        <section class="gallery" aria-labelledby="gallery-heading">
          <h2 id="gallery-heading">Photos</h2>
          <ul class="gallery-list">
            {gallery.map((picture) => (
              <li>
                <Picture picture={picture} sizes="(min-width: 42rem) 20rem, 50vw" />
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  )
}

/** The shown tributes, newest first, each with a way to flag it; cached. */
export function TributeList({ memorial, tributes }: { memorial: Pick<Memorial, 'slug'>; tributes: Tribute[] }): JSX.Element {
  return (
    <div id="tribute-list">
      {tributes.length === 0 ? (
        <p class="muted">No tributes yet.</p>
      ) : (
        <ol class="tribute-list">
          {tributes.map((tribute) => (
            <li class="tribute" id={`tribute-${tribute.id}`}>
              <blockquote class="tribute-body">
                {tribute.body.split(/\n+/).map((line) => (
                  <p safe>{line}</p>
                ))}
              </blockquote>
              <p class="tribute-by">
                <span safe>{`— ${tribute.authorName}`}</span>{' '}
                <time class="muted" datetime={tribute.createdAt.toISOString()} safe>
                  {tribute.createdAt.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' })}
                </time>
              </p>
              <FlagForm memorial={memorial} tribute={tribute} />
            </li>
          ))}
        </ol>
      )}
    </div>
  )
}

function FlagForm({ memorial, tribute }: { memorial: Pick<Memorial, 'slug'>; tribute: Tribute }): JSX.Element {
  const action = `/memorials/${memorial.slug}/tributes/${tribute.id}/flag`
  return (
    <form class="flag-form" method="post" action={action} hx-post={action} hx-target="this" hx-swap="outerHTML">
      <button type="submit" class="link-button quiet">
        Flag<span class="visually-hidden" safe>{` the tribute from ${tribute.authorName}`}</span>
      </button>
    </form>
  )
}

/** What a flag form becomes once sent. */
export function FlagThanks(): JSX.Element {
  return (
    <p class="flag-form muted" role="status">
      Thank you for telling us.
    </p>
  )
}

/**
 * The candle: the count, and "Light a candle" or "Your candle is lit". With `load`, htmx replaces it
 * at once with the visitor's own (VisitorParts); if that fails, the form it holds still works.
 */
export function CandleBox({ memorial, state, load = false }: { memorial: Memorial; state: CandleState | null; load?: boolean }): JSX.Element {
  const count = state?.count ?? memorial.candleCount
  const action = `/memorials/${memorial.slug}/candles`
  const loader = load
    ? { 'hx-get': `/memorials/${memorial.slug}/you`, 'hx-trigger': 'load', 'hx-swap': 'outerHTML', 'hx-status:4xx': 'swap:none', 'hx-status:5xx': 'swap:none' }
    : {}
  return (
    <section id="candle" class="candle-box" aria-label="Candles" {...loader}>
      <p class="candle-count">
        <span class={state?.litToday ? 'candle lit' : 'candle'} aria-hidden="true"></span>
        <CandleCount count={count} />
      </p>
      {state?.litToday ? (
        <p class="candle-yours" role="status" safe>
          {`Your candle is lit for ${memorial.name} today.`}
        </p>
      ) : (
        <form method="post" action={action} hx-post={action} hx-target="#candle" hx-swap="outerHTML">
          <button type="submit">Light a candle</button>
        </form>
      )}
    </section>
  )
}

function CandleCount({ count }: { count: number }): JSX.Element {
  if (count === 0) return <span>No candles yet.</span>
  return <span safe>{count === 1 ? '1 candle lit' : `${count.toLocaleString('en-GB')} candles lit`}</span>
}

/** On the birthday and the anniversary of the passing, a candle burns at the top of the page all day. */
function AnniversaryCandle({ name, kind, years }: { name: string; kind: AnniversaryKind; years: number }): JSX.Element {
  const words =
    kind === 'passing'
      ? `Today it is ${years === 1 ? 'one year' : `${years} years`} since ${name} died.`
      : `${name} was born on this day, ${years} years ago.`
  return (
    <aside class="anniversary" aria-label="Anniversary">
      <span class="candle lit large" aria-hidden="true"></span>
      <p>
        <span safe>{words}</span> A candle is lit here for the day.
      </p>
    </aside>
  )
}

/** The owner's links (edit, tributes waiting); nothing for anyone else. */
function OwnerTools({ memorial, visitor }: { memorial: Memorial; visitor: VisitorState }): JSX.Element {
  if (!visitor.isOwner) return ''
  return (
    <nav class="owner-tools" aria-label="Your memorial">
      <a href={`/memorials/${memorial.slug}/edit`}>Edit this memorial</a>
      <a href={`/memorials/${memorial.slug}/tributes`}>
        Tributes{visitor.waitingTributes > 0 ? <strong safe>{` (${visitor.waitingTributes} waiting)`}</strong> : ''}
      </a>
      <span class="muted" safe>
        {VISIBILITY_LABELS[memorial.visibility]}
      </span>
    </nav>
  )
}

export const VISIBILITY_LABELS: Record<Memorial['visibility'], string> = {
  public: 'Public',
  unlisted: 'Unlisted: only people with the link',
  private: 'Private: only you',
}

function OwnerToolsSlot({ children }: { children?: JSX.Element }): JSX.Element {
  return <div id="owner-tools">{children as 'safe'}</div>
}

/** The tribute form for members; for others, the way to become one. */
export function TributeCompose({ memorial, visitor }: { memorial: Memorial; visitor: VisitorState | null }): JSX.Element {
  const notice = visitor?.notice ? <NoticeLine notice={visitor.notice} /> : ''
  if (!visitor?.viewer) {
    const back = encodeURIComponent(`/memorials/${memorial.slug}#tributes`)
    return (
      <>
        {notice as 'safe'}
        <p>
          <a class="button secondary small" href={`/login?next=${back}`}>Sign in to leave a tribute</a>
        </p>
      </>
    )
  }
  const action = `/memorials/${memorial.slug}/tributes`
  const draft = visitor.tributeDraft
  return (
    <>
      {notice as 'safe'}
      <form class="stack" method="post" action={action} hx-post={action} hx-target="#tribute-compose" hx-swap="innerHTML">
        <div class="field">
          <label for="field-tribute">Leave a tribute</label>
          <span class="hint" id="field-tribute-hint" safe>
            {`A few words for ${memorial.name} and the people who loved them.${memorial.tributesNeedApproval ? ' It appears once the memorial’s owner has read it.' : ''}`}
          </span>
          <textarea
            id="field-tribute"
            name="body"
            rows="3"
            maxlength={TRIBUTE_MAX}
            required
            aria-describedby={draft ? 'field-tribute-hint field-tribute-error' : 'field-tribute-hint'}
            aria-invalid={draft ? 'true' : undefined}
            safe
          >
            {draft?.body ?? ''}
          </textarea>
          {draft ? (
            <span class="error" id="field-tribute-error" safe>
              {draft.error}
            </span>
          ) : (
            ''
          )}
        </div>
        <button type="submit">Leave the tribute</button>
      </form>
    </>
  )
}

function NoticeLine({ notice }: { notice: Notice }): JSX.Element {
  const text: Record<Notice, string> = {
    'tribute-shown': 'Thank you. Your tribute is on the page.',
    'tribute-waiting': 'Thank you. Your tribute will appear once the memorial’s owner has read it.',
    flagged: 'Thank you for telling us about that tribute.',
  }
  return (
    <p class="flash" role="status" safe>
      {text[notice]}
    </p>
  )
}

/**
 * The private fragment `/memorials/:slug/you` answers: the visitor's candle box (replacing the
 * shared one) and, as htmx partials, their tribute form and the owner's tools.
 */
export function VisitorParts({ memorial, visitor }: { memorial: Memorial; visitor: VisitorState }): JSX.Element {
  return (
    <>
      <CandleBox memorial={memorial} state={visitor.candle} />
      <HxPartial target="#tribute-compose" swap="innerHTML">
        <TributeCompose memorial={memorial} visitor={visitor} />
      </HxPartial>
      <HxPartial target="#owner-tools" swap="innerHTML">
        <OwnerTools memorial={memorial} visitor={visitor} />
      </HxPartial>
    </>
  )
}

/** After a tribute sent with htmx: the form again (with the thank-you) and, when it shows, the new list. */
export function TributeSent({ memorial, visitor, list }: { memorial: Memorial; visitor: VisitorState; list: JSX.Element | null }): JSX.Element {
  return (
    <>
      <TributeCompose memorial={memorial} visitor={visitor} />
      {list ? (
        <HxPartial target="#tribute-list" swap="outerHTML">
          {list as 'safe'}
        </HxPartial>
      ) : (
        ''
      )}
    </>
  )
}

/** Open Graph, Twitter card and JSON-LD for a memorial. */
export function MemorialHead({ page, url, siteUrl }: { page: CachedMemorialPage; url: string; siteUrl: string }): JSX.Element {
  const { memorial, description, shareImage } = page
  const title = memorialTitle(memorial)
  return (
    <>
      <ShareTags title={title} description={description} url={url} image={shareImage} />
      <JsonLd data={memorialJsonLd({ page, url, siteUrl })} />
    </>
  )
}

/** "In memory of Whiskers": the page title, Open Graph title and JSON-LD headline. */
export function memorialTitle(memorial: Pick<Memorial, 'name'>): string {
  return `In memory of ${memorial.name}`
}

/** schema.org Article about the cat: what search engines show for the page. */
export function memorialJsonLd({ page, url, siteUrl }: { page: CachedMemorialPage; url: string; siteUrl: string }): Record<string, unknown> {
  const { memorial, description, shareImage } = page
  const life = [memorial.born && formatPartialDate(memorial.born), formatPartialDate(memorial.passed)].filter(Boolean).join(' – ')
  return {
    '@context': 'https://schema.org',
    '@type': 'Article',
    headline: memorialTitle(memorial),
    name: memorialTitle(memorial),
    description,
    url,
    mainEntityOfPage: url,
    ...(shareImage && { image: [shareImage.url] }),
    datePublished: memorial.createdAt.toISOString(),
    dateModified: memorial.updatedAt.toISOString(),
    about: { '@type': 'Thing', name: memorial.name, description: `A much-loved cat, ${life}` },
    publisher: { '@type': 'Organization', name: 'Nine Lives', url: siteUrl },
  }
}
