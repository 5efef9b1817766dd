import { Avatar } from '@views/components/avatar'
import { OptionGroup } from '@views/components/choice'
import { EmptyState } from '@views/components/empty-state'
import { Field } from '@views/components/field'
import { Icon } from '@views/components/icon'
import { ICON_NAMES } from '@views/components/icon-names'
import { TextArea } from '@views/components/text-area'

const BUTTONS = [
  ['', 'Primary'],
  ['secondary', 'Secondary'],
  ['ghost', 'Ghost'],
  ['danger', 'Danger'],
  ['small', 'Small'],
  ['link-button', 'Link button'],
] as const

const SWATCHES = ['bg', 'surface', 'surface-2', 'ink', 'muted', 'line', 'accent', 'accent-soft', 'like', 'ok', 'warn', 'error', 'calm']

/** Every component of static/app.css, in both themes (switch the system's). Nothing here is live. */
export function StyleguidePage(): JSX.Element {
  return (
    <>
      <header class="page-head">
        <h1>Styleguide</h1>
        <p>The components of static/app.css (docs/design.md). Switch your system to dark to see the dark theme.</p>
      </header>

      <h2>Colours</h2>
      <ul class="swatches">
        {SWATCHES.map((name) => (
          <li>
            <span class={`swatch swatch-${name}`}></span>
            <code safe>{`--${name}`}</code>
          </li>
        ))}
      </ul>

      <h2>Type</h2>
      <div class="card">
        <p class="type-3xl">Nine Lives 3xl</p>
        <p class="type-2xl">Heading 2xl</p>
        <p class="type-xl">Heading xl</p>
        <p>Body text at the base size, with a <a href="/styleguide">link</a> in it.</p>
        <p class="hint">A hint, small and muted.</p>
        <p class="memorial-story">A memorial’s story, in the serif.</p>
      </div>

      <h2>Buttons</h2>
      <p class="actions">
        {BUTTONS.map(([variant, label]) => (
          <button type="button" class={variant || undefined}>
            {label as 'safe'}
          </button>
        ))}
      </p>
      <p class="actions">
        <button type="button" class="icon-button">
          <Icon name="heart" />
          Like
        </button>
        <button type="button" class="icon-button liked">
          <Icon name="heart" />
          Unlike
        </button>
        <a class="icon-button" href="/styleguide">
          <Icon name="message-circle" />3 comments
        </a>
        <a class="icon-button" href="/styleguide">
          <Icon name="share-2" />
          Share
        </a>
      </p>

      <h2>Avatars, badges, chips</h2>
      <p class="actions">
        <Avatar handle="amara_whiskers" displayName="Amara Okafor" picture={null} size="large" />
        <Avatar handle="ben_purrs" displayName="Ben" picture={null} />
        <Avatar handle="chloe_mittens" displayName="chloe_mittens" picture={null} size="small" />
        <span class="badge">3</span>
        <span class="badge warning">Possible scam</span>
      </p>
      <ul class="chips">
        <li>
          <a class="chip" href="/styleguide">
            <Icon name="paw-print" />
            Biscuit
          </a>
        </li>
        <li>
          <span class="chip selected">Selected</span>
        </li>
        <li>
          <span class="status">Lost</span>
        </li>
        <li>
          <span class="status status-reunited">Reunited</span>
        </li>
      </ul>

      <h2>Card</h2>
      <div class="card">
        <h3>A card</h3>
        <p>Cards hold a section: a post, a result, a part of the settings.</p>
      </div>

      <h2>Form fields</h2>
      <form class="stack card" method="get" action="/styleguide">
        <Field name="example_name" label="Cat’s name" hint="A hint says what goes here." />
        <Field name="example_error" label="With an error" value="Kreuzbergg" error="We don’t know a place called that." />
        <TextArea name="example_text" label="Description" rows={2} />
        <OptionGroup name="example_kind" legend="Lost or found" type="radio" options={['lost', 'found'] as const} labels={{ lost: 'Lost', found: 'Found' }} checked={['lost']} pills />
        <OptionGroup name="example_check" legend="Choices" type="checkbox" options={['one', 'two'] as const} labels={{ one: 'One', two: 'Two' }} checked={['two']} />
        <ol class="steps" aria-label="Steps">
          <li class="done">Done</li>
          <li aria-current="step">Now</li>
          <li>Next</li>
        </ol>
        <p class="form-actions">
          <button type="submit">Save</button>
          <a href="/styleguide">Skip</a>
        </p>
      </form>

      <h2>Status and empty states</h2>
      <p class="flash" role="status">
        <Icon name="circle-check" />
        <span>Saved. A status line after a form.</span>
      </p>
      <p class="form-error">A form-wide error.</p>
      <EmptyState
        icon="sparkles"
        title="Nothing here yet"
        actions={
          <a class="button" href="/styleguide">
            What to do next
          </a>
        }
      >
        An empty list says what would be here and what to do next.
      </EmptyState>

      <h2>Sheet</h2>
      <details class="menu">
        <summary>
          Open a sheet
          <Icon name="chevron-down" class="chevron" />
        </summary>
        <div class="sheet sheet-static">
          <ul>
            <li>
              <a href="/styleguide">
                <Icon name="user" />A menu item
              </a>
            </li>
          </ul>
        </div>
      </details>

      <h2>Icons</h2>
      <ul class="icon-grid">
        {ICON_NAMES.map((name) => (
          <li>
            <Icon name={name} label={name} />
            <code>{name}</code>
          </li>
        ))}
      </ul>
    </>
  )
}
