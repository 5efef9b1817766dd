/**
 * Changing the password and the email address in /settings, each with the current password; the
 * mails read back from the loopback SMTP server (tests/helpers/smtp.ts).
 */
import { describe, expect, test } from 'bun:test'
import { testContext } from '@tests/helpers/context'
import { TestClient } from '@tests/helpers/http'
import { linkIn } from '@tests/helpers/smtp'

const ctx = await testContext()
const db = ctx.infra.dbs.accounts
const client = () => new TestClient(ctx)
const isSignedIn = async (browser: TestClient) => (await browser.get('/settings')).status === 200
const signsIn = async (identifier: string, password: string) => (await client().post('/login', { identifier, password })).status === 303

describe('changing the password', () => {
  test('with the current password: the new one works, other devices are signed out, this one stays, and the member is told', async () => {
    const phone = client()
    const account = await phone.signUp('newpass')
    const laptop = client()
    expect((await laptop.post('/login', { identifier: account.handle, password: account.password })).status).toBe(303)

    const settings = await (await phone.get('/settings')).text()
    expect(settings).toContain('Change my password')

    const wrong = await phone.post('/settings/password', { current: 'not my password', password: 'a fresh long password' })
    expect(wrong.status).toBe(422)
    const wrongHtml = await wrong.text()
    expect(wrongHtml).toContain('That is not your current password.')
    expect(wrongHtml).not.toContain('a fresh long password')
    const short = await phone.post('/settings/password', { current: account.password, password: 'short' }, { htmx: true })
    expect(short.status).toBe(422)
    expect(await short.text()).toContain('A password needs at least 8 characters.')
    expect(await signsIn(account.handle, account.password)).toBe(true)

    const done = await phone.post('/settings/password', { current: account.password, password: 'a fresh long password' })
    expect(done.status).toBe(303)
    expect(await isSignedIn(phone)).toBe(true)
    expect(await isSignedIn(laptop)).toBe(false)
    expect(await signsIn(account.handle, account.password)).toBe(false)
    expect(await signsIn(account.handle, 'a fresh long password')).toBe(true)

    await ctx.infra.queue.drain()
    const told = await ctx.mailbox.waitFor((mail) => mail.to === account.email && mail.subject === 'Your Nine Lives password was changed')
    expect(told.text).toContain('/forgot-password')
  })
})

describe('changing the email address', () => {
  test('the new address is taken only through the link mailed to it, and the old one is told', async () => {
    const member = client()
    const account = await member.signUp('moving')
    const newEmail = `${account.handle}_new@example.com`

    const wrong = await member.post('/settings/email', { email: newEmail, current: 'not my password' })
    expect(wrong.status).toBe(422)
    const wrongHtml = await wrong.text()
    expect(wrongHtml).toContain('That is not your current password.')
    expect(wrongHtml).toContain(`value="${newEmail}"`)

    const taken = await client().signUp('taken')
    const clash = await member.post('/settings/email', { email: taken.email.toUpperCase(), current: account.password })
    expect(clash.status).toBe(422)
    expect(await clash.text()).toContain('Another account uses that address.')

    const asked = await member.post('/settings/email', { email: newEmail, current: account.password }, { htmx: true })
    expect(asked.status).toBe(200)
    expect(await asked.text()).toContain(`A link is on its way to ${newEmail}`)
    // Nothing changed yet.
    expect((await db.selectFrom('users').select('email').where('handle', '=', account.handle).executeTakeFirstOrThrow()).email).toBe(account.email)

    await ctx.infra.queue.drain()
    const mail = await ctx.mailbox.waitFor((received) => received.to === newEmail)
    expect(mail.subject).toBe('Confirm your new address for Nine Lives')
    const link = linkIn(mail.text, '/confirm-email/')

    const stranger = client()
    await stranger.signUp('stranger')
    expect((await stranger.post(link, {})).status).toBe(403)

    const page = await member.get(link)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain(newEmail)
    const confirmed = await member.post(link, {})
    expect(confirmed.status).toBe(303)
    expect(confirmed.headers.get('location')).toBe('/confirm-email/done')
    const row = await db.selectFrom('users').select(['email', 'email_verified_at']).where('handle', '=', account.handle).executeTakeFirstOrThrow()
    expect(row.email).toBe(newEmail)
    expect(row.email_verified_at).toBeInstanceOf(Date)
    expect(await signsIn(newEmail, account.password)).toBe(true)
    expect(await signsIn(account.email, account.password)).toBe(false)

    await ctx.infra.queue.drain()
    const told = await ctx.mailbox.waitFor((received) => received.to === account.email && received.subject.startsWith('The address of your'))
    expect(told.text).toContain(newEmail)
    expect((await member.post(link, {})).status).toBe(410)
  })
})
