/**
 * Forgot password, end to end over HTTP: the mail is read back from the loopback SMTP server
 * (tests/helpers/smtp.ts), its link opened and its form posted.
 */
import { createHash } from 'node:crypto'
import { describe, expect, test } from 'bun:test'
import { sql } from 'kysely'
import { RESET_MAILS_PER_ADDRESS } from '@/features/accounts/password-reset-routes'
import { testContext } from '@tests/helpers/context'
import { TestClient } from '@tests/helpers/http'
import { linkIn, type ReceivedMail } from '@tests/helpers/smtp'

const ctx = await testContext()
const db = ctx.infra.dbs.accounts
const client = () => new TestClient(ctx)
const NEW_PASSWORD = 'a brand new password'

/** Asks for a reset link for `email` and returns the link's path, read from the mail. */
async function resetLinkFor(email: string, asker = client()): Promise<string> {
  const before = ctx.mailbox.to(email).length
  const response = await asker.post('/forgot-password', { email })
  expect(response.status).toBe(303)
  await ctx.infra.queue.drain()
  const mail = await ctx.mailbox.waitFor((received) => isResetMail(received, email) && ctx.mailbox.to(email).indexOf(received) >= before)
  return linkIn(mail.text, '/reset-password/')
}

/** A reset mail to `email` (sign-up sent a confirmation mail there first). */
const isResetMail = (mail: ReceivedMail, email: string) => mail.to === email.toLowerCase() && mail.subject.startsWith('Reset')

const isSignedIn = async (browser: TestClient) => (await browser.get('/settings')).status === 200

describe('forgot password', () => {
  test('a link by email sets a new password, signs in, and signs out every other session', async () => {
    const phone = client()
    const account = await phone.signUp('reset')
    const laptop = client()
    expect((await laptop.post('/login', { identifier: account.handle, password: account.password })).status).toBe(303)

    const visitor = client()
    const asked = await visitor.post('/forgot-password', { email: account.email.toUpperCase() })
    expect(asked.status).toBe(303)
    expect(asked.headers.get('location')).toBe('/forgot-password/sent')
    expect(await (await visitor.get('/forgot-password/sent')).text()).toContain('If an account uses that address')
    await ctx.infra.queue.drain()

    const mail = await ctx.mailbox.waitFor((received) => isResetMail(received, account.email))
    expect(mail.subject).toBe('Reset your Nine Lives password')
    expect(mail.text).toContain(`Hello @${account.handle},`)
    expect(mail.html).toContain('Choose a new password')
    const link = linkIn(mail.text, '/reset-password/')
    expect(mail.html).toContain(link)
    const token = link.split('/').at(-1)!
    // Only the token's hash is kept.
    expect(await db.selectFrom('account_tokens').select('id_hash').where('id_hash', '=', token).execute()).toHaveLength(0)
    const hashed = createHash('sha256').update(token).digest('hex')
    expect(await db.selectFrom('account_tokens').select('id_hash').where('id_hash', '=', hashed).execute()).toHaveLength(1)

    // Opening the link (as a mail scanner would, twice) uses nothing up.
    for (let i = 0; i < 2; i++) {
      const opened = await visitor.get(link)
      expect(opened.status).toBe(200)
      const html = await opened.text()
      expect(html).toContain('<label for="field-password">New password</label>')
      expect(html).toContain(`action="${link}"`)
    }

    const short = await visitor.post(link, { password: 'short' })
    expect(short.status).toBe(422)
    expect(await short.text()).toContain('A password needs at least 8 characters.')
    // One of the most common passwords is refused like a short one, and the link still works.
    const common = await visitor.post(link, { password: 'Baseball1' })
    expect(common.status).toBe(422)
    expect(await common.text()).toContain('one of the most common ones')

    const done = await visitor.post(link, { password: NEW_PASSWORD })
    expect(done.status).toBe(303)
    expect(done.headers.get('location')).toBe('/')
    expect(await isSignedIn(visitor)).toBe(true)
    expect(await isSignedIn(phone)).toBe(false)
    expect(await isSignedIn(laptop)).toBe(false)

    expect((await client().post('/login', { identifier: account.handle, password: account.password })).status).toBe(422)
    expect((await client().post('/login', { identifier: account.handle, password: NEW_PASSWORD })).status).toBe(303)

    // The link worked once.
    const reopened = await client().get(link)
    expect(reopened.status).toBe(410)
    expect(await reopened.text()).toContain('This link has already been used')
    const reused = await client().post(link, { password: 'yet another password' })
    expect(reused.status).toBe(410)
    expect((await client().post('/login', { identifier: account.handle, password: NEW_PASSWORD })).status).toBe(303)
  })

  test('an address no account has gets the same answer, and no mail', async () => {
    const known = await client().signUp('known')
    const unknown = `nobody_${Date.now()}@example.com`
    const [forKnown, forUnknown] = await Promise.all([client().post('/forgot-password', { email: known.email }), client().post('/forgot-password', { email: unknown })])
    expect(forUnknown.status).toBe(forKnown.status)
    expect(forUnknown.headers.get('location')).toBe(forKnown.headers.get('location'))
    expect(await forUnknown.text()).toBe(await forKnown.text())
    const htmx = await client().post('/forgot-password', { email: unknown }, { htmx: true })
    expect(htmx.status).toBe(200)
    expect(await htmx.text()).toContain('If an account uses that address')
    await ctx.infra.queue.drain()
    await ctx.mailbox.waitFor((received) => isResetMail(received, known.email))
    expect(ctx.mailbox.to(unknown)).toHaveLength(0)
  })

  test('an address that is none comes back with its message and what was typed', async () => {
    const response = await client().post('/forgot-password', { email: 'not an address' })
    expect(response.status).toBe(422)
    const html = await response.text()
    expect(html).toContain('That does not look like an email address.')
    expect(html).toContain('value="not an address"')
    const empty = await client().post('/forgot-password', { email: '' })
    expect(empty.status).toBe(422)
    expect(await empty.text()).toContain('Please enter the email address of your account.')
  })

  test('a forged or expired link is refused clearly and changes nothing', async () => {
    const account = await client().signUp('expired')
    const forged = await client().get(`/reset-password/${'A'.repeat(43)}`)
    expect(forged.status).toBe(404)
    expect(await forged.text()).toContain('This link is not one we sent')
    expect((await client().post('/reset-password/nonsense', { password: NEW_PASSWORD })).status).toBe(404)

    const link = await resetLinkFor(account.email)
    const hashed = createHash('sha256').update(link.split('/').at(-1)!).digest('hex')
    await db.updateTable('account_tokens').set({ expires_at: sql<Date>`now() - interval '1 second'` }).where('id_hash', '=', hashed).execute()
    const opened = await client().get(link)
    expect(opened.status).toBe(410)
    expect(await opened.text()).toContain('This link has expired')
    const posted = await client().post(link, { password: NEW_PASSWORD })
    expect(posted.status).toBe(410)
    expect((await client().post('/login', { identifier: account.handle, password: account.password })).status).toBe(303)
  })

  test('a newer password reset leaves older links useless', async () => {
    const account = await client().signUp('twice')
    const first = await resetLinkFor(account.email)
    const second = await resetLinkFor(account.email)
    expect((await client().post(second, { password: NEW_PASSWORD })).status).toBe(303)
    expect((await client().post(first, { password: 'someone else typed this' })).status).toBe(404)
    expect((await client().post('/login', { identifier: account.handle, password: NEW_PASSWORD })).status).toBe(303)
  })

  test('asking is limited per address typed, across clients, and per client', async () => {
    const email = `limited_${Date.now()}@example.com`
    for (let i = 0; i < RESET_MAILS_PER_ADDRESS.attempts; i++) expect((await client().post('/forgot-password', { email })).status).toBe(303)
    expect((await client().post('/forgot-password', { email: email.toUpperCase() })).status).toBe(429)

    const one = client()
    for (let i = 0; i < ctx.config.authRateLimit.attempts; i++) expect((await one.post('/forgot-password', { email: `n${i}_${Date.now()}@example.com` })).status).toBe(303)
    expect((await one.post('/forgot-password', { email: `last_${Date.now()}@example.com` })).status).toBe(429)
  })
})
