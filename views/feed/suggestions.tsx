import type { Author } from '@/features/feed/authors'
import { AuthorLink } from '@views/feed/post-card'

/** People to follow, each with a Follow button (a plain form; htmx swaps in the new state). */
export function PeopleToFollow({ people, back }: { people: Author[]; back: string }): JSX.Element {
  return (
    <ul class="people">
      {people.map((person) => {
        const action = `/@${person.handle}/follow`
        return (
          <li class="person follow">
            <AuthorLink author={person} />
            <form method="post" action={action} hx-post={action} hx-target="closest .follow" hx-swap="outerHTML">
              <input type="hidden" name="back" value={back} />
              <button type="submit" class="small secondary">
                Follow<span class="visually-hidden" safe>{` @${person.handle}`}</span>
              </button>
            </form>
          </li>
        )
      })}
    </ul>
  )
}
