/**
 * Outgoing mail (docs/architecture.md, Background work): every message goes through the queue as a
 * `'mail.send'` job, so an SMTP server that is down is retried with backoff instead of failing the
 * person's request, and the job's handler is the only thing that talks SMTP.
 *
 * With `SMTP_URL` the message goes to that server (nodemailer); without it, it is written to
 * `DATA_DIR/outbox/` as an `.eml` file that any mail program opens, so a person trying Nine Lives on
 * their own machine can still reset a password. The messages themselves are rendered by views/mail/.
 *
 * @example
 * await queue.enqueue('mail.send', { to: 'ann@example.org', ...passwordResetMail({ link }) })
 */
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { createTransport } from 'nodemailer'
import type { Config } from '@/config'
import type { Logger } from '@/infra/log'

/** One message, as the queue carries it: already rendered, with a plain-text and an HTML part. */
export interface OutgoingMail {
  to: string
  subject: string
  text: string
  html: string
  /** Extra headers (`List-Unsubscribe` for mail that is not about the account itself). */
  headers?: Record<string, string>
}

/** The mail job (its handler is registered in src/background.ts). */
export interface MailJobs {
  'mail.send': OutgoingMail
}

export interface Mailer {
  /** `smtp`: sent to `SMTP_URL`; `outbox`: written to `DATA_DIR/outbox/`. */
  readonly kind: 'smtp' | 'outbox'
  /** Where messages go, for the start-up log (the SMTP host without its password, or the folder). */
  readonly destination: string
  /** Sends one message; throws when the server refuses it or cannot be reached, so the queue retries. */
  send(mail: OutgoingMail): Promise<void>
}

/**
 * A server that does not answer must not hold a queue worker past the queue's visibility timeout
 * (60 s): nodemailer's own defaults wait up to ten minutes.
 */
const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 }

export function createMailer(config: Pick<Config, 'smtpUrl' | 'mailFrom' | 'dataDir'>, log: Logger): Mailer {
  const message = (mail: OutgoingMail) => ({
    from: config.mailFrom,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    ...(mail.headers && { headers: mail.headers }),
  })

  if (config.smtpUrl) {
    const url = new URL(config.smtpUrl)
    // A pool: a burst of messages (sign-ups, a batch of notices) reuses a few open connections
    // instead of a TCP and TLS handshake per message; an idle one closes after the socket timeout.
    const transport = createTransport({ url: config.smtpUrl, pool: true, maxConnections: 4, ...SMTP_TIMEOUTS })
    return {
      kind: 'smtp',
      destination: `${url.protocol}//${url.host}`,
      async send(mail) {
        const info = await transport.sendMail(message(mail))
        // A server that accepts the message for nobody has not delivered it: let the queue retry.
        if (info.accepted.length === 0) throw new Error(`the SMTP server refused every recipient: ${info.response}`)
        log.debug({ messageId: info.messageId }, 'mail sent')
      },
    }
  }

  const outbox = path.join(config.dataDir, 'outbox')
  const transport = createTransport({ streamTransport: true, buffer: true, newline: 'unix' })
  return {
    kind: 'outbox',
    destination: outbox,
    async send(mail) {
      const info = await transport.sendMail(message(mail))
      await mkdir(outbox, { recursive: true })
      // The time first, so a folder listing is in the order the messages were sent.
      const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${info.messageId.replace(/[^A-Za-z0-9-]/g, '')}.eml`
      await writeFile(path.join(outbox, name), info.message)
      log.info({ file: name, subject: mail.subject }, 'mail written to the outbox')
    },
  }
}
