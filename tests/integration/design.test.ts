// The design system's own routes: the styleguide (development only), the favicon, and the second
// column that keeps viewer-dependent parts out of shared pages.
import { expect, setDefaultTimeout, test } from 'bun:test'
import { createApp } from '@/app'
import { testContext } from '@tests/helpers/context'
import { TestClient } from '@tests/helpers/http'

setDefaultTimeout(30_000)

const ctx = await testContext()

test('the styleguide shows every component in development, and is not there in production', async () => {
  const styleguide = await new TestClient(ctx).get('/styleguide')
  expect(styleguide.status).toBe(200)
  const html = await styleguide.text()
  for (const component of ['class="card"', 'class="empty-state', 'class="sheet', 'avatar-initials', 'class="chip"', 'class="steps"', 'icon-button']) expect(html).toContain(component)

  const { app: production } = createApp({ ...ctx.infra, config: { ...ctx.config, production: true } })
  const answer = await production.handle(new Request(`${ctx.config.publicUrl.origin}/styleguide`))
  expect(answer.status).toBe(404)
})

test('/favicon.ico is an icon', async () => {
  const favicon = await new TestClient(ctx).get('/favicon.ico')
  expect(favicon.status).toBe(200)
  expect(favicon.headers.get('content-type')).toBe('image/x-icon')
  expect(new Uint8Array(await favicon.arrayBuffer()).slice(0, 4)).toEqual(new Uint8Array([0, 0, 1, 0]))
})

test('a shared page carries no viewer-dependent column; /side is private and differs for members', async () => {
  const visitor = new TestClient(ctx)
  const home = await visitor.get('/explore')
  const html = await home.text()
  expect(html).toContain('hx-get="/side"')
  expect(html).not.toContain('People to follow')
  expect(home.headers.get('cache-control')).toContain('public')

  const side = await visitor.get('/side', { htmx: true })
  expect(side.headers.get('cache-control')).toContain('private')
  expect(await side.text()).toContain('New to Nine Lives?')

  const member = new TestClient(ctx)
  await member.signUp('sider')
  const ownSide = await (await member.get('/side', { htmx: true })).text()
  expect(ownSide).toContain('Set your alert area')
})

test('empty lists say what to do next: a search with no reports, no notifications, a profile with no posts', async () => {
  // Far from any report the tests make (they are in Berlin, London and around).
  const search = await (await new TestClient(ctx).get('/finder?near=Reykjavik&radius_km=1')).text()
  expect(search).toContain('No lost or found cats reported here')
  expect(search).toMatch(/<a class="button" href="\/finder\/new">.*Report a lost or found cat<\/a>/)

  const member = new TestClient(ctx)
  const { handle } = await member.signUp('empty')
  const notifications = await (await member.get('/notifications')).text()
  expect(notifications).toContain('No notifications yet')
  expect(notifications).toContain('href="/settings#alert-area"')

  const ownProfile = await (await member.get(`/@${handle}`)).text()
  expect(ownProfile).toContain('You haven’t posted yet')
  expect(ownProfile).toContain('href="/posts/new"')
  const seenByOthers = await (await new TestClient(ctx).get(`/@${handle}`)).text()
  expect(seenByOthers).toContain('No posts yet')
  expect(seenByOthers).not.toContain('href="/posts/new"')
})
