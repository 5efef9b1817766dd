/**
 * Confirming an email address after sign-up: the mail read back from the loopback SMTP server, the
 * link's page and its button, what an unconfirmed member cannot do (message through the finder's
 * relay), and the links that must be refused.
 */
import { createHash } from 'node:crypto'
import { describe, expect, test } from 'bun:test'
import { VERIFY_MAILS_PER_ACCOUNT } from '@/features/accounts/email-verification-routes'
import { UNCONFIRMED_EMAIL } from '@/features/finder/routes'
import { testContext } from '@tests/helpers/context'
import { TestClient } from '@tests/helpers/http'
import { linkIn } from '@tests/helpers/smtp'

const ctx = await testContext()
const db = ctx.infra.dbs.accounts
const client = () => new TestClient(ctx)

/** Signs up an unconfirmed member and returns the confirmation link of the mail they got. */
async function newMember(browser: TestClient, prefix: string) {
  const account = await browser.signUp(prefix, { verified: false })
  await ctx.infra.queue.drain()
  const mail = await ctx.mailbox.waitFor((received) => received.to === account.email.toLowerCase())
  return { account, mail, link: linkIn(mail.text, '/verify-email/') }
}

async function lostCatReport(owner: TestClient): Promise<string> {
  const form = new FormData()
  const fields = { kind: 'lost', name: 'Pepper', colours: 'black', pattern: 'solid', last_seen_at: new Date(Date.now() - 3600_000).toISOString().slice(0, 16), timezone_offset: '0', town: 'Kreuzberg', lat: '', lng: '' }
  for (const [name, value] of Object.entries(fields)) form.append(name, value)
  const response = await owner.post('/finder', form)
  if (response.status !== 303) throw new Error(`report failed with ${response.status}: ${(await response.text()).slice(0, 2000)}`)
  return response.headers.get('location')!.split('/').pop()!
}

const isVerified = async (email: string) => (await db.selectFrom('users').select('email_verified_at').where('email', '=', email).executeTakeFirstOrThrow()).email_verified_at !== null

describe('confirming an email address', () => {
  test('a new member gets a link; until they press its button they cannot message through the relay', async () => {
    const owner = client()
    await owner.signUp('pepperowner')
    const reportId = await lostCatReport(owner)

    const member = client()
    const { account, mail, link } = await newMember(member, 'newbie')
    expect(mail.subject).toBe('Confirm your email address for Nine Lives')
    expect(mail.html).toContain('Confirm my email address')
    expect(await isVerified(account.email)).toBe(false)
    const settings = await (await member.get('/settings')).text()
    expect(settings).toContain('(not confirmed yet)')
    expect(settings).toContain('Send the confirmation link again')

    const refused = await member.post(`/finder/${reportId}/messages`, { body: 'I saw Pepper by the bakery.' })
    expect(refused.status).toBe(403)
    const refusedHtml = await refused.text()
    expect(refusedHtml).toContain('Please confirm your email address first')
    expect(refusedHtml).toContain('I saw Pepper by the bakery.')
    expect(UNCONFIRMED_EMAIL).toContain('settings')

    // Opening the link (a mail scanner would) confirms nothing; its button does.
    const opened = await client().get(link)
    expect(opened.status).toBe(200)
    expect(await opened.text()).toContain('Confirm my email address</button>')
    expect(await isVerified(account.email)).toBe(false)
    const confirmed = await member.post(link, {})
    expect(confirmed.status).toBe(303)
    expect(confirmed.headers.get('location')).toBe('/verify-email/done')
    expect(await (await member.get('/verify-email/done')).text()).toContain('Your email address is confirmed')
    expect(await isVerified(account.email)).toBe(true)
    expect(await (await member.get('/settings')).text()).toContain('(confirmed)')

    // The session's cached viewer was dropped: the relay takes the message at once.
    expect((await member.post(`/finder/${reportId}/messages`, { body: 'I saw Pepper by the bakery.' })).status).toBe(303)

    const again = await member.post(link, {})
    expect(again.status).toBe(410)
    expect(await again.text()).toContain('already been used')
  })

  test('a link opened by another signed-in member is refused clearly and confirms nothing', async () => {
    const { account, link } = await newMember(client(), 'mine')
    const other = client()
    await other.signUp('other')
    const opened = await other.get(link)
    expect(opened.status).toBe(403)
    expect(await opened.text()).toContain('confirms the address of another account')
    const pressed = await other.post(link, {})
    expect(pressed.status).toBe(403)
    expect(await isVerified(account.email)).toBe(false)
    // Signed out, the same link works: it proves the mailbox, not the session.
    expect((await client().post(link, {})).status).toBe(303)
    expect(await isVerified(account.email)).toBe(true)
  })

  test('forged links are refused, and only hashes of tokens are stored', async () => {
    const { link } = await newMember(client(), 'hashes')
    const token = link.split('/').at(-1)!
    expect(await db.selectFrom('account_tokens').select('id_hash').where('id_hash', '=', token).execute()).toHaveLength(0)
    expect(await db.selectFrom('account_tokens').select('purpose').where('id_hash', '=', createHash('sha256').update(token).digest('hex')).executeTakeFirst()).toEqual({ purpose: 'verify' })
    const forged = await client().post(`/verify-email/${'B'.repeat(43)}`, {})
    expect(forged.status).toBe(404)
    expect(await forged.text()).toContain('This link is not one we sent')
    // A password reset's token is no confirmation token.
    expect((await client().get(`/verify-email/${token.slice(0, -1)}x`)).status).toBe(404)
  })

  test('settings send the link again, a few times an hour; a confirmed member has nothing to send', async () => {
    const member = client()
    const { account } = await newMember(member, 'resend')
    const resent = await member.post('/settings/verify-email', {}, { htmx: true })
    expect(resent.status).toBe(200)
    expect(await resent.text()).toContain('A new link is on its way')
    await ctx.infra.queue.drain()
    await ctx.mailbox.waitFor(() => ctx.mailbox.to(account.email).length === 2)
    for (let i = 1; i < VERIFY_MAILS_PER_ACCOUNT.attempts; i++) expect((await member.post('/settings/verify-email', {})).status).toBe(303)
    expect((await member.post('/settings/verify-email', {})).status).toBe(429)

    const confirmed = client()
    const done = await confirmed.signUp('alreadyok')
    expect((await confirmed.post('/settings/verify-email', {})).status).toBe(303)
    await ctx.infra.queue.drain()
    expect(ctx.mailbox.to(done.email).filter((mail) => mail.subject.startsWith('Confirm'))).toHaveLength(1)
  })

  test('demo accounts count as confirmed', async () => {
    const handle = `demo_${Date.now().toString(36)}`
    const created = await ctx.services.accounts.signUp({ handle, email: `${handle}@demo.example`, password: 'demo password 123' }, { verified: true })
    expect(created.ok && created.value.email_verified_at).toBeInstanceOf(Date)
  })
})
