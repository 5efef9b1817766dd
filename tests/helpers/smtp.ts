/**
 * A real SMTP server on loopback (the `smtp-server` package) that keeps every message it accepts,
 * parsed by a MIME parser (`mailparser`), so tests read what a mail program would: subject, the
 * plain-text and HTML parts, headers. The test context (tests/helpers/context.ts) starts one for the
 * whole run and points `SMTP_URL` at it; tests that need the server down or elsewhere start their own.
 *
 * @example
 * const mail = await ctx.mailbox.waitFor((message) => message.to === account.email)
 * const link = linkIn(mail.text, '/reset-password/')
 */
import { simpleParser } from 'mailparser'
import { SMTPServer } from 'smtp-server'

export interface ReceivedMail {
  /** The envelope's recipient (RCPT TO), lower case. */
  to: string
  from: string
  subject: string
  text: string
  html: string
  /** Header names in lower case; values as the parser gives them (strings for most). */
  headers: Map<string, unknown>
  /** The raw message, as the client sent it. */
  raw: string
}

export interface TestMailbox {
  /** `smtp://127.0.0.1:<port>`, for SMTP_URL. */
  url: string
  port: number
  /** Every message accepted so far, oldest first. */
  messages: ReceivedMail[]
  /** The first message, already here or still to come, that matches; throws after `timeoutMs`. */
  waitFor(match: (mail: ReceivedMail) => boolean, timeoutMs?: number): Promise<ReceivedMail>
  /** Messages to `address` so far (case does not matter). */
  to(address: string): ReceivedMail[]
  stop(): Promise<void>
}

/** Starts the server on `port` (0: any free port) on 127.0.0.1. */
export async function startTestMailbox(port = 0): Promise<TestMailbox> {
  const messages: ReceivedMail[] = []
  const waiting = new Set<() => void>()
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    // The app opens one connection per message; nothing should linger when the run ends.
    closeTimeout: 100,
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', () => {
        const raw = Buffer.concat(chunks)
        simpleParser(raw)
          .then((parsed) => {
            const recipients = session.envelope.rcptTo.map((rcpt) => rcpt.address.toLowerCase())
            for (const to of recipients) {
              messages.push({
                to,
                from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
                subject: parsed.subject ?? '',
                text: parsed.text ?? '',
                html: typeof parsed.html === 'string' ? parsed.html : '',
                headers: parsed.headers as Map<string, unknown>, // mailparser's HeaderValue union, read per test
                raw: raw.toString('utf8'),
              })
            }
            for (const wake of waiting) wake()
            callback()
          })
          .catch((error: Error) => callback(error))
      })
    },
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve())
  })
  const address = server.server.address()
  const actualPort = typeof address === 'object' && address ? address.port : port
  return {
    url: `smtp://127.0.0.1:${actualPort}`,
    port: actualPort,
    messages,
    to: (recipient) => messages.filter((mail) => mail.to === recipient.toLowerCase()),
    async waitFor(match, timeoutMs = 10_000) {
      const found = () => messages.find(match)
      const now = found()
      if (now) return now
      return new Promise<ReceivedMail>((resolve, reject) => {
        const wake = () => {
          const mail = found()
          if (!mail) return
          waiting.delete(wake)
          clearTimeout(timer)
          resolve(mail)
        }
        const timer = setTimeout(() => {
          waiting.delete(wake)
          reject(new Error(`no matching mail within ${timeoutMs} ms; received: ${messages.map((mail) => `${mail.to} "${mail.subject}"`).join(', ') || 'none'}`))
        }, timeoutMs)
        waiting.add(wake)
      })
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/** The first link in `text` whose path starts with `pathPrefix`, as a path with its query. */
export function linkIn(text: string, pathPrefix: string): string {
  const match = new RegExp(`https?://[^\\s/]+(${pathPrefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[^\\s<>"]*)`).exec(text)
  if (!match) throw new Error(`no link to ${pathPrefix} in: ${text}`)
  return match[1]!
}
