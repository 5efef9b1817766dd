/**
 * Outgoing mail (src/infra/mail.ts): through the queue to a real SMTP server on loopback, read back
 * with a MIME parser; to `.eml` files without SMTP_URL; retried while the server is down.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, test } from 'bun:test'
import { simpleParser } from 'mailparser'
import { createMailer, type MailJobs } from '@/infra/mail'
import { createQueue } from '@/infra/queue'
import { testContext } from '@tests/helpers/context'
import { startTestMailbox } from '@tests/helpers/smtp'
import { renderMail, SITE_NAME } from '@views/mail/layout'

const ctx = await testContext()
const dirs: string[] = []
afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))))

const message = (to: string) => ({
  to,
  ...renderMail(
    {
      subject: 'A test <message>',
      greeting: 'Hello @ann <script>,',
      paragraphs: ['Somebody asked for this & that.'],
      action: { label: 'Open it', url: 'http://localhost:3000/somewhere?token=abc&x=1' },
      after: ['The link works for an hour.'],
      reason: 'You get this because you have an account.',
    },
    ctx.config.publicUrl,
  ),
})

describe('mail', () => {
  test('a queued message reaches the SMTP server with a plain-text and an HTML part, from MAIL_FROM', async () => {
    const to = `ann_${Date.now()}@example.com`
    await ctx.infra.queue.enqueue('mail.send', message(to))
    await ctx.infra.queue.drain()
    const mail = await ctx.mailbox.waitFor((received) => received.to === to)
    expect(mail.subject).toBe('A test <message>')
    expect(mail.from).toBe(new URL(`mailto:${/<(.+)>/.exec(ctx.config.mailFrom)![1]}`).pathname)
    expect(mail.text).toContain('Hello @ann <script>,')
    expect(mail.text).toContain('Open it:\nhttp://localhost:3000/somewhere?token=abc&x=1')
    expect(mail.text).toContain(SITE_NAME)
    // The HTML part: escaped, phone-sized, the site's name, the link as a button.
    expect(mail.html).toContain('Hello @ann &lt;script&gt;,')
    expect(mail.html).not.toContain('<script>')
    expect(mail.html).toContain('name="viewport"')
    expect(mail.html).toMatch(/<a href="http:\/\/localhost:3000\/somewhere\?token=abc&(amp;)?x=1"/)
    expect(mail.html).toContain(SITE_NAME)
  })

  test('without SMTP_URL each message is an .eml file in DATA_DIR/outbox that a mail program reads', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'nine-lives-outbox-'))
    dirs.push(dataDir)
    const mailer = createMailer({ smtpUrl: null, mailFrom: 'Nine Lives <no-reply@localhost>', dataDir }, ctx.infra.log)
    expect(mailer.kind).toBe('outbox')
    await mailer.send(message('bob@example.com'))
    const files = await readdir(path.join(dataDir, 'outbox'))
    expect(files).toHaveLength(1)
    expect(files[0]).toEndWith('.eml')
    const parsed = await simpleParser(await readFile(path.join(dataDir, 'outbox', files[0]!)))
    expect(parsed.subject).toBe('A test <message>')
    expect(parsed.text).toContain('http://localhost:3000/somewhere?token=abc&x=1')
    expect(parsed.html).toContain('Hello @ann &lt;script&gt;,')
  })

  test('while the SMTP server is down the queue retries, and the message goes out once it is back', async () => {
    // A port that was just free: nothing listens there until the server starts below.
    const probe = await startTestMailbox()
    const port = probe.port
    await probe.stop()
    const mailer = createMailer({ ...ctx.config, smtpUrl: `smtp://127.0.0.1:${port}` }, ctx.infra.log)
    const queue = createQueue<MailJobs>({ store: ctx.infra.store, name: `mail-test-${Date.now()}`, log: ctx.infra.log, concurrency: 1, backoff: () => 100, maxAttempts: 50 })
    const attempts: number[] = []
    queue.handle('mail.send', async (mail, job) => {
      attempts.push(job.attempts)
      await mailer.send(mail)
    })
    await queue.enqueue('mail.send', message('carol@example.com'))
    const drained = queue.drain({ timeoutMs: 20_000 })
    while (attempts.length < 2) await Bun.sleep(20)
    const server = await startTestMailbox(port)
    try {
      await drained
      const mail = await server.waitFor((received) => received.to === 'carol@example.com')
      expect(mail.subject).toBe('A test <message>')
      expect(attempts[0]).toBe(0)
      expect(attempts.at(-1)).toBeGreaterThan(0)
      expect((await queue.stats()).dead).toBe(0)
    } finally {
      await server.stop()
    }
  })
})
