// After a refused form, the address bar holds the URL the form was posted to. Reloading it (or
// opening it again) must show the same form, never another page or a 404, and nothing typed goes
// into a URL.
import { describe, expect, test } from 'bun:test'
import { testContext } from '@tests/helpers/context'
import { TestClient } from '@tests/helpers/http'
import { makeMemorial } from '@tests/helpers/memorials'

const ctx = await testContext()
const client = () => new TestClient(ctx)

/** The action of the form on `path` (a GET) that holds a field named `field`. */
async function actionOfFormWith(browser: TestClient, path: string, field: string): Promise<string> {
  const html = await (await browser.get(path)).text()
  for (const [form] of html.matchAll(/<form\b(?:(?!<\/form>).)*<\/form>/gs)) {
    if (form.includes(`name="${field}"`)) return /action="([^"]+)"/.exec(form)![1]!.replaceAll('&amp;', '&')
  }
  throw new Error(`no form with a field "${field}" on ${path}`)
}

/** What a browser shows when it opens `path` again: redirects followed, within the site. */
async function reopen(browser: TestClient, path: string): Promise<{ status: number; url: string; html: string }> {
  let url = path
  for (let hops = 0; hops < 3; hops++) {
    const response = await browser.get(url)
    const location = response.headers.get('location')
    if (response.status < 300 || response.status >= 400 || !location) return { status: response.status, url, html: await response.text() }
    url = new URL(location, ctx.config.publicUrl).pathname + new URL(location, ctx.config.publicUrl).search
  }
  throw new Error(`too many redirects from ${path}`)
}

function form(fields: Record<string, string>): FormData {
  const data = new FormData()
  for (const [name, value] of Object.entries(fields)) data.append(name, value)
  return data
}

/** Posts `fields` to the form holding `field` on `formPage`, expects a refusal, then reopens the URL it was posted to. */
async function refuseAndReopen(browser: TestClient, formPage: string, field: string, fields: Record<string, string>) {
  const action = await actionOfFormWith(browser, formPage, field)
  const refused = await browser.post(action, form(fields))
  expect(refused.status).toBeGreaterThanOrEqual(400)
  expect(refused.status).toBeLessThan(500)
  expect(await refused.text()).toContain(`action="${action}"`)
  const again = await reopen(browser, action)
  expect(again.status).toBe(200)
  expect(again.html).toContain(`action="${action}"`)
  expect(again.html).toContain(`name="${field}"`)
  return { action, again }
}

describe('a refused form, reloaded, shows the same form', () => {
  test('a lost-cat report posts to /finder/new, where the form is', async () => {
    const member = client()
    await member.signUp('refusedreport')
    const { action } = await refuseAndReopen(member, '/finder/new', 'last_seen_at', { kind: 'lost', name: 'Biscuit secret' })
    expect(action).toBe('/finder/new')
  })

  test('a sighting, a comment and a tribute reopen on the page that holds their form', async () => {
    const reporter = client()
    await reporter.signUp('refusedsight')
    const made = await reporter.post('/finder/new', form({
      kind: 'lost', name: 'Pixel', colours: 'black', pattern: 'solid', sex: 'female', neutered: 'yes', age_band: 'adult',
      microchipped: 'no', collar: 'no', last_seen_at: new Date(Date.now() - 3600_000).toISOString().slice(0, 16),
      timezone_offset: '0', description: 'Small and shy.', lat: '52.5', lng: '13.4',
    }))
    expect(made.status).toBe(303)
    const reportPath = made.headers.get('location')!
    const helper = client()
    await helper.signUp('refusedhelper')
    await refuseAndReopen(helper, reportPath, 'seen_at', { kind: 'seen', seen_at: '', note: 'Under a car' })

    const author = client()
    await author.signUp('refusedpost')
    expect((await author.post('/posts/new', form({ body: 'A cat in a box' }))).status).toBe(303)
    const postId = (await ctx.infra.dbs.social.selectFrom('posts').select('id').orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow()).id
    await refuseAndReopen(author, `/posts/${postId}`, 'body', { body: '' })

    const owner = client()
    await owner.signUp('refusedmemo')
    const slug = await makeMemorial(owner, { name: 'Toffee' })
    const visitor = client()
    await visitor.signUp('refusedvisit')
    await refuseAndReopen(visitor, `/memorials/${slug}/you`, 'body', { body: '' })
  })

  test('a post, a cat and a memorial post to their /new pages', async () => {
    const member = client()
    await member.signUp('refusednew')
    expect((await refuseAndReopen(member, '/posts/new', 'body', { body: '' })).action).toBe('/posts/new')
    expect((await refuseAndReopen(member, '/cats/new', 'name', { name: '' })).action).toBe('/cats/new')
    expect((await refuseAndReopen(member, '/memorials/new', 'story', { name: '' })).action).toBe('/memorials/new')
  })

  test('settings sections reopen on the settings page', async () => {
    const member = client()
    await member.signUp('refusedset')
    await refuseAndReopen(member, '/settings', 'bio', { displayName: 'x'.repeat(500), bio: '' })
    await refuseAndReopen(member, '/settings', 'alt', { alt: 'no photo chosen' })
  })

  test('the old addresses still take a post', async () => {
    const member = client()
    await member.signUp('refusedold')
    expect((await member.post('/finder', form({ kind: 'lost' }))).status).toBe(422)
    expect((await member.post('/memorials', form({ name: '' }))).status).toBe(422)
    expect((await member.post('/cats', form({ name: '' }))).status).toBe(422)
    expect((await member.post('/posts', form({ body: '' }))).status).toBe(422)
  })
})

describe('a photo chosen on a form refused for another field', () => {
  const PHOTO_AGAIN = 'Please choose the photo again'

  async function photoFile(): Promise<File> {
    const { pngPhoto } = await import('@tests/helpers/images')
    return new File([new Uint8Array(await pngPhoto(5))], 'cat.png', { type: 'image/png' })
  }

  /** The markup of the field that holds the control named `name`. */
  function fieldOf(html: string, name: string): string {
    const at = html.indexOf(`name="${name}"`)
    const start = html.lastIndexOf('<div class="field', at)
    return html.slice(start, html.indexOf('</div>', at) + 6)
  }

  test('the lost-cat report says so next to the photo field; without a photo it says nothing', async () => {
    const member = client()
    await member.signUp('photoagain')
    const withPhoto = form({ kind: 'lost', name: 'Biscuit', photo_alt: 'Biscuit on a rug' })
    withPhoto.append('photos', await photoFile())
    const refused = await (await member.post('/finder/new', withPhoto)).text()
    expect(fieldOf(refused, 'photos')).toContain(PHOTO_AGAIN)
    const without = await (await member.post('/finder/new', form({ kind: 'lost', name: 'Biscuit' }))).text()
    expect(without).not.toContain(PHOTO_AGAIN)
  })

  test('the cat form says so next to the photo field, with and without htmx', async () => {
    const member = client()
    await member.signUp('catagain')
    for (const htmx of [false, true]) {
      const withPhoto = form({ name: '', alt: 'Tom asleep' })
      withPhoto.append('photo', await photoFile())
      const refused = await member.post('/cats/new', withPhoto, { htmx })
      expect(refused.status).toBe(422)
      expect(fieldOf(await refused.text(), 'photo')).toContain(PHOTO_AGAIN)
    }
  })
})
