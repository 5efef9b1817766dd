import { describe, expect, test } from 'bun:test'
import { testContext } from '@tests/helpers/context'
import { TestClient } from '@tests/helpers/http'

const ctx = await testContext()
const { notifications, accounts } = ctx.services

async function member() {
  const browser = new TestClient(ctx)
  const account = await browser.signUp('notified')
  const user = (await accounts.findByHandle(account.handle))!
  return { browser, user }
}

describe('notifications', () => {
  test('a new member sees an empty list and no unread badge', async () => {
    const { browser } = await member()
    const html = await (await browser.get('/notifications')).text()
    expect(html).toContain('No notifications yet')
    expect(html).not.toContain('id="unread-count"')
  })

  test('a notification shows in the list, escaped, with the unread count in the header', async () => {
    const { browser, user } = await member()
    await notifications.notify(user.id, { kind: 'message', text: 'New message: <script>alert(1)</script>', url: '/finder/1/messages' })
    const html = await (await browser.get('/')).text()
    expect(html).toMatch(/id="unread-count">\s*<span class="visually-hidden">unread: <\/span>\s*1/)
    const list = await (await browser.get('/notifications')).text()
    expect(list).toContain('New message: &lt;script&gt;alert(1)&lt;/script&gt;')
    expect(list).toContain('href="/finder/1/messages"')
  })

  test('mark all as read clears the badge, with and without htmx', async () => {
    const { browser, user } = await member()
    await notifications.notify(user.id, { kind: 'welcome', text: 'Hello' })
    const plain = await browser.post('/notifications/read', {})
    expect(plain.status).toBe(303)
    expect(plain.headers.get('location')).toBe('/notifications')
    expect(await notifications.unreadCount(user.id)).toBe(0)

    await notifications.notify(user.id, { kind: 'welcome', text: 'Hello again' })
    const partial = await browser.post('/notifications/read', {}, { htmx: true })
    const fragment = await partial.text()
    expect(fragment).toStartWith('<section id="notifications"')
    expect(fragment).toContain('Hello again')
    expect(await notifications.unreadCount(user.id)).toBe(0)
  })

  test('opening the list marks what it shows as read, still highlighted on that view', async () => {
    const { browser, user } = await member()
    await notifications.notify(user.id, { kind: 'welcome', text: 'Hello' })
    await notifications.notify(user.id, { kind: 'welcome', text: 'Hello again' })
    const first = await (await browser.get('/notifications')).text()
    expect(first.match(/<li class="unread">/g)).toHaveLength(2)
    expect(first).not.toContain('id="unread-count"')
    expect(first).not.toContain('Mark all as read')
    expect(await notifications.unreadCount(user.id)).toBe(0)

    const again = await (await browser.get('/notifications')).text()
    expect(again).toContain('Hello again')
    expect(again).not.toContain('class="unread"')
  })

  test('unread notifications on later pages stay unread until shown, and "Mark all as read" offers the rest', async () => {
    const { browser, user } = await member()
    for (let n = 1; n <= 25; n++) await notifications.notify(user.id, { kind: 'test', text: `note ${n}` })
    const first = await (await browser.get('/notifications')).text()
    const shown = first.match(/<li class="unread">/g)!.length
    expect(await notifications.unreadCount(user.id)).toBe(25 - shown)
    expect(first).toContain('Mark all as read')
    expect(first).toMatch(new RegExp(`id="unread-count">\\s*<span class="visually-hidden">unread: </span>\\s*${25 - shown}`))
  })

  test('the list pages by cursor, newest first, with no gaps or repeats', async () => {
    const { browser, user } = await member()
    for (let n = 1; n <= 45; n++) await notifications.notify(user.id, { kind: 'test', text: `note ${n}` })
    const seen: string[] = []
    let path: string | null = '/notifications'
    while (path) {
      const html: string = await (await browser.get(path)).text()
      seen.push(...[...html.matchAll(/note (\d+)/g)].map((match) => match[1]!))
      const next: string | undefined = /href="(\/notifications\?cursor=[^"]+)"/.exec(html)?.[1]
      path = next ? next.replaceAll('&amp;', '&') : null
    }
    expect(seen).toEqual(Array.from({ length: 45 }, (_, i) => String(45 - i)))
  })

  test('a garbled cursor starts from the top instead of failing', async () => {
    const { browser } = await member()
    expect((await browser.get('/notifications?cursor=%27;drop%20table')).status).toBe(200)
  })

  test('signed out, the list redirects to sign in, and marking read is refused', async () => {
    const stranger = new TestClient(ctx)
    const page = await stranger.get('/notifications')
    expect(page.status).toBe(303)
    expect(page.headers.get('location')).toBe('/login?next=%2Fnotifications')
    expect((await stranger.post('/notifications/read', {})).status).toBe(401)
  })
})
