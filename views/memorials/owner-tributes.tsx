import type { Memorial } from '@/features/memorials/service'
import type { Tribute } from '@/features/memorials/tributes'

const STATUS_WORDS: Record<Tribute['status'], string> = {
  waiting: 'Waiting for you',
  shown: 'On the page',
  hidden: 'Hidden',
}

/** /memorials/:slug/tributes: every tribute, waiting ones first, for the owner to show or hide. */
export function OwnerTributesPage({ memorial, tributes }: { memorial: Memorial; tributes: Tribute[] }): JSX.Element {
  return (
    <>
      <p>
        <a href={`/memorials/${memorial.slug}`}>Back to the memorial</a>
      </p>
      <h1 safe>{`Tributes for ${memorial.name}`}</h1>
      <p class="lede">
        {memorial.tributesNeedApproval
          ? 'New tributes wait here until you show them.'
          : 'New tributes appear on the page at once. You can hide any of them.'}
      </p>
      {tributes.length === 0 ? (
        <p class="muted">No tributes yet.</p>
      ) : (
        <ol class="tribute-list">
          {tributes.map((tribute) => (
            <OwnerTributeItem memorial={memorial} tribute={tribute} />
          ))}
        </ol>
      )}
    </>
  )
}

/** One tribute with its status and the button that changes it; htmx swaps just this item. */
export function OwnerTributeItem({ memorial, tribute }: { memorial: Memorial; tribute: Tribute }): JSX.Element {
  const next = tribute.status === 'shown' ? 'hide' : 'show'
  const action = `/memorials/${memorial.slug}/tributes/${tribute.id}/${next}`
  return (
    <li class={`tribute tribute-${tribute.status}`} id={`tribute-${tribute.id}`}>
      <p class="tribute-status">
        <strong safe>{STATUS_WORDS[tribute.status]}</strong>
        {tribute.flagCount > 0 ? <span class="muted" safe>{` · flagged ${tribute.flagCount} ${tribute.flagCount === 1 ? 'time' : 'times'}`}</span> : ''}
      </p>
      <blockquote class="tribute-body">
        {tribute.body.split(/\n+/).map((line) => (
          <p safe>{line}</p>
        ))}
      </blockquote>
      <p class="tribute-by" safe>{`— ${tribute.authorName} (@${tribute.authorHandle})`}</p>
      <form method="post" action={action} hx-post={action} hx-target="closest li" hx-swap="outerHTML">
        <button type="submit" class={next === 'hide' ? 'secondary' : undefined}>
          {next === 'hide' ? 'Hide' : 'Show on the page'}
          <span class="visually-hidden" safe>{` the tribute from ${tribute.authorName}`}</span>
        </button>
      </form>
    </li>
  )
}
