import type { MediaPicture } from '@/features/media/service'
import type { Memorial } from '@/features/memorials/service'
import { Picture } from '@views/components/picture'
import { LifeDates, VISIBILITY_LABELS } from '@views/memorials/memorial-page'

export interface WallProps {
  memorials: Memorial[]
  covers: Map<string, MediaPicture>
  nextCursor: string | null
}

/**
 * /memorials: public memorials that chose the wall, newest first. Signed in, the person's own
 * memorials come first (that page is then private, never shared by a cache).
 */
export function WallPage({ wall, own }: { wall: WallProps; own: Memorial[] | null }): JSX.Element {
  return (
    <>
      <h1>Memorial wall</h1>
      <p class="lede">Cats who are missed, remembered by the people who loved them.</p>
      {own ? <OwnMemorials memorials={own} /> : <p><a class="button secondary" href="/memorials/new">Make a memorial</a></p>}
      <div class="wall" id="wall">
        {wall.memorials.length === 0 ? <p class="muted">No memorials on the wall yet.</p> : <WallCards {...wall} />}
      </div>
    </>
  )
}

/**
 * One page of cards and the "Load more" link after them: the page shows it inside #wall, and htmx
 * puts the next one in place of the link (the link also works as a plain link to the next page).
 */
export function WallCards({ memorials, covers, nextCursor }: WallProps): JSX.Element {
  return (
    <>
      {memorials.map((memorial) => (
        <WallCard memorial={memorial} cover={memorial.coverMediaId ? (covers.get(memorial.coverMediaId) ?? null) : null} />
      ))}
      {nextCursor ? (
        <p class="wall-more" id="wall-more">
          <a
            class="button secondary"
            href={`/memorials?cursor=${encodeURIComponent(nextCursor)}`}
            hx-get={`/memorials?cursor=${encodeURIComponent(nextCursor)}`}
            hx-target="#wall-more"
            hx-swap="outerHTML"
          >
            Load more
          </a>
        </p>
      ) : (
        ''
      )}
    </>
  )
}

function WallCard({ memorial, cover }: { memorial: Memorial; cover: MediaPicture | null }): JSX.Element {
  return (
    <article class="wall-card">
      <a href={`/memorials/${memorial.slug}`}>
        {cover ? (
          <Picture picture={cover} sizes="(min-width: 42rem) 13rem, 45vw" class="wall-cover" alt="" />
        ) : (
          <span class="wall-cover wall-cover-empty" aria-hidden="true">
            <span class="candle lit"></span>
          </span>
        )}
        <h2 class="wall-name" safe>
          {memorial.name}
        </h2>
      </a>
      <LifeDates born={memorial.born} passed={memorial.passed} />
    </article>
  )
}

function OwnMemorials({ memorials }: { memorials: Memorial[] }): JSX.Element {
  return (
    <section class="own-memorials" aria-labelledby="own-heading">
      <h2 id="own-heading">Your memorials</h2>
      {memorials.length > 0 && (
        <ul class="list">
          {memorials.map((memorial) => (
            <li>
              <a href={`/memorials/${memorial.slug}`} safe>
                {memorial.name}
              </a>{' '}
              <span class="muted" safe>
                {`· ${VISIBILITY_LABELS[memorial.visibility]}`}
              </span>
            </li>
          ))}
        </ul>
      )}
      <p>
        <a class="button" href="/memorials/new">
          Make a memorial
        </a>
      </p>
    </section>
  )
}
