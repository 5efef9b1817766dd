// Control characters (U+0000 above all, which PostgreSQL refuses) and bidirectional overrides are
// refused in every text field with a message by the field: a 422, the form again with what was
// typed, and nothing stored (issue 18, defect 5: these answered 500, and a first relay message with
// a NUL left an empty thread behind).
import { describe, expect, test } from 'bun:test'
import { sql } from 'kysely'
import { testContext } from '@tests/helpers/context'
import { TestClient, uniqueHandle } from '@tests/helpers/http'
import { MEMORIAL_DEFAULTS, makeMemorial, memorialForm } from '@tests/helpers/memorials'
import { TEXT_MESSAGES } from '@/shared/text'

const ctx = await testContext()
const { dbs } = ctx.infra
const client = () => new TestClient(ctx)

const NUL = 'Bis\u0000cuit'
const BIDI = 'Bis\u202ecuit'
/** The message is HTML-escaped in the page; its first words are enough to find it. */
const MESSAGE = /characters that cannot be (typed|shown)/

function form(fields: Record<string, string | string[]>): FormData {
  const data = new FormData()
  for (const [name, value] of Object.entries(fields)) for (const one of [value].flat()) data.append(name, one)
  return data
}

function localTime(hoursFromNow: number): string {
  return new Date(Date.now() + hoursFromNow * 3600_000).toISOString().slice(0, 16)
}

const REPORT = {
  kind: 'lost', name: 'Pixel', colours: 'black', pattern: 'solid', sex: 'female', neutered: 'yes', age_band: 'adult',
  microchipped: 'no', collar: 'no', last_seen_at: localTime(-2), timezone_offset: '0', description: 'Small and shy.', lat: '52.5', lng: '13.4',
}

/** Rows in every table a refused form could have written to. */
async function rowCounts(): Promise<Record<string, number>> {
  const tables = [
    [dbs.social, ['posts', 'comments', 'cats']],
    [dbs.finder, ['lost_cats', 'sightings', 'message_threads', 'messages']],
    [dbs.memorials, ['memorials', 'tributes']],
    [dbs.accounts, ['users']],
  ] as const
  const counts: Record<string, number> = {}
  for (const [db, names] of tables) for (const name of names) {
    counts[name] = Number((await sql<{ n: string }>`select count(*) as n from ${sql.table(name)}`.execute(db)).rows[0]!.n)
  }
  return counts
}

/** Posts a form with a refused character in `field`; expects a 422 with the message, what was typed, and no new row. */
async function expectRefused(browser: TestClient, path: string, fields: Record<string, string | string[]>, typed: string) {
  const before = await rowCounts()
  const response = await browser.post(path, form(fields))
  const html = await response.text()
  expect(response.status).toBe(422)
  expect(html).toMatch(MESSAGE)
  expect(html).toContain(typed)
  expect(await rowCounts()).toEqual(before)
}

const owner = client()
const other = client()
await owner.signUp('ctlowner')
await other.signUp('ctlother')
const made = await owner.post('/finder/new', form(REPORT))
if (made.status !== 303) throw new Error(`report failed: ${made.status}`)
const reportPath = made.headers.get('location')!
await owner.post('/posts/new', form({ body: 'A cat in a box' }))
const postId = (await dbs.social.selectFrom('posts').select('id').orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow()).id
const slug = await makeMemorial(owner, { visibility: 'public' })

describe('refused characters, one field at a time', () => {
  for (const [label, bad] of [['U+0000', NUL], ['a bidi override', BIDI]] as const) {
    test(`${label} in a post, a comment and a cat's name`, async () => {
      await expectRefused(owner, '/posts/new', { body: `Hello ${bad}` }, 'Hello Bis')
      await expectRefused(other, `/posts/${postId}/comments`, { body: `Nice ${bad}` }, 'Nice Bis')
      await expectRefused(owner, '/cats/new', { name: bad, breed: '', colours: '', birthday: '' }, 'Bis')
    })

    test(`${label} in a memorial's name and story, and in a tribute`, async () => {
      await expectRefused(owner, '/memorials/new', Object.fromEntries(memorialForm({ ...MEMORIAL_DEFAULTS, name: bad }).entries()) as Record<string, string>, 'Bis')
      await expectRefused(owner, '/memorials/new', { ...(MEMORIAL_DEFAULTS as Record<string, string>), story: `Once ${bad}` }, 'Once Bis')
      await expectRefused(other, `/memorials/${slug}/tributes`, { body: `Dear ${bad}` }, 'Dear Bis')
    })

    test(`${label} in a report's name and description, a sighting's note and a relay message`, async () => {
      await expectRefused(owner, '/finder/new', { ...REPORT, name: bad }, 'Bis')
      await expectRefused(owner, '/finder/new', { ...REPORT, description: `Shy ${bad}` }, 'Shy Bis')
      await expectRefused(other, `${reportPath}/sightings`, { kind: 'seen', seen_at: localTime(-1), timezone_offset: '0', note: `Under ${bad}`, lat: '52.5', lng: '13.4' }, 'Under Bis')
      // The first message of a thread: no empty thread may be left behind.
      await expectRefused(other, `${reportPath}/messages`, { body: `I saw ${bad}` }, 'I saw Bis')
    })

    test(`${label} in the sign-up email and the sign-in identifier`, async () => {
      const visitor = client()
      const handle = uniqueHandle('ctl')
      await expectRefused(visitor, '/signup', { handle, email: `${bad}@example.com`, password: 'a long enough password' }, 'Bis')
      await expectRefused(visitor, '/login', { identifier: bad, password: 'whatever it is' }, 'Bis')
    })
  }

  test('a multi-line field keeps its line breaks and tabs', async () => {
    const response = await other.post(`/posts/${postId}/comments`, form({ body: 'Two\r\nlines\tand a tab' }))
    expect(response.status).toBe(303)
  })

  test('a one-line field refuses a line break', async () => {
    await expectRefused(owner, '/cats/new', { name: 'Bis\ncuit', breed: '', colours: '', birthday: '' }, 'Bis')
  })

  test('a query parameter with a control character is a clear 400, never a 500', async () => {
    for (const path of ['/explore?cursor=%00', `/finder?near=Ber%00lin`, '/memorials?cursor=%E2%80%AE', '/login?next=%00']) {
      const response = await client().get(path)
      expect(response.status).toBe(400)
      expect(await response.text()).toMatch(MESSAGE)
    }
  })

  test('the messages', () => {
    expect(TEXT_MESSAGES.line).toMatch(MESSAGE)
    expect(TEXT_MESSAGES.lines).toMatch(MESSAGE)
  })
})
