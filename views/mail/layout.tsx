/**
 * Every message Nine Lives sends, in the same two parts: plain text, and HTML that reads well on a
 * phone (one column, large text, one big button, styles inline since mail programs drop style
 * sheets). A template (views/mail/*.tsx) gives the words; this gives the frame, the site's name and
 * the line saying why the message came.
 */
import type { OutgoingMail } from '@/infra/mail'

export const SITE_NAME = 'Nine Lives'

/** A message's words, before they are laid out. */
export interface MailContent {
  subject: string
  /** The first line: "Hello @ann," */
  greeting: string
  /** Paragraphs before the button. */
  paragraphs: readonly string[]
  /** The one thing to do: a link, shown as a button (and in full, for mail programs that hide buttons). */
  action?: { label: string; url: string }
  /** Paragraphs after the button (how long the link lasts, what to do if it was not you). */
  after?: readonly string[]
  /** Why this message came, in the footer. */
  reason: string
}

/** The message to queue as `'mail.send'`, less its recipient. */
export type RenderedMail = Omit<OutgoingMail, 'to'>

export function renderMail(content: MailContent, siteUrl: URL): RenderedMail {
  return { subject: content.subject, text: plainText(content, siteUrl), html: html(content, siteUrl) }
}

function plainText({ greeting, paragraphs, action, after = [], reason }: MailContent, siteUrl: URL): string {
  const blocks = [greeting, ...paragraphs, ...(action ? [`${action.label}:\n${action.url}`] : []), ...after, `-- \n${SITE_NAME}, ${siteUrl.origin}\n${reason}`]
  return `${blocks.join('\n\n')}\n`
}

const FONT = 'font-family:-apple-system,BlinkMacSystemFont,Segoe UI,Roboto,Helvetica,Arial,sans-serif'
const TEXT = `${FONT};font-size:17px;line-height:1.5;color:#2b2220;margin:0 0 16px`
const BUTTON = `${FONT};display:inline-block;background:#a4462c;color:#ffffff;font-size:17px;font-weight:600;text-decoration:none;padding:14px 22px;border-radius:8px`
const SMALL = `${FONT};font-size:14px;line-height:1.5;color:#6b5f5b;margin:0 0 8px`

function html({ subject, greeting, paragraphs, action, after = [], reason }: MailContent, siteUrl: URL): string {
  return (
    '<!doctype html>' +
    (
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title safe>{subject}</title>
        </head>
        <body style="margin:0;padding:0;background:#faf6f2">
          <div style="max-width:560px;margin:0 auto;padding:24px 16px">
            <p style={`${FONT};font-size:20px;font-weight:700;color:#a4462c;margin:0 0 24px`}>
              {SITE_NAME}
            </p>
            <p style={TEXT} safe>
              {greeting}
            </p>
            {paragraphs.map((paragraph) => (
              <p style={TEXT} safe>
                {paragraph}
              </p>
            ))}
            {action ? (
              <>
                <p style="margin:24px 0">
                  <a href={action.url} style={BUTTON} safe>
                    {action.label}
                  </a>
                </p>
                <p style={SMALL}>
                  Or open this address: <span style="word-break:break-all" safe>{action.url}</span>
                </p>
              </>
            ) : (
              ''
            )}
            {after.map((paragraph) => (
              <p style={TEXT} safe>
                {paragraph}
              </p>
            ))}
            <hr style="border:0;border-top:1px solid #e6dcd5;margin:24px 0 16px" />
            <p style={SMALL}>
              <a href={siteUrl.origin} style="color:#6b5f5b">
                {SITE_NAME}
              </a>
            </p>
            <p style={SMALL} safe>
              {reason}
            </p>
          </div>
        </body>
      </html>
    )
  )
}
