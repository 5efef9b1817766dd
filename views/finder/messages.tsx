import type { Thread, ThreadSummary } from '@/features/finder/messages'
import { BODY_MAX } from '@/features/finder/messages'
import type { PublicReport } from '@/features/finder/reports'
import { SCAM_SIGNAL_WORDS } from '@/features/finder/scam'
import { TextArea } from '@views/components/text-area'
import { RelativeTime } from '@views/components/time'
import type { PersonName } from '@views/finder/report-page'
import { reportTitle } from '@views/finder/search'

export interface MessagesPageProps {
  report: PublicReport
  viewerId: string
  /** The reporter's inbox (their threads), or null for anyone else. */
  inbox: ThreadSummary[] | null
  /** The open thread, or null (the inbox, or a first message not yet sent). */
  thread: Thread | null
  people: Map<string, PersonName>
  error?: string
  draft?: string
}

export function MessagesPage(props: MessagesPageProps): JSX.Element {
  const { report, inbox, thread, people } = props
  return (
    <>
      <p>
        <a href={`/finder/${report.id}`} safe>{`← ${reportTitle(report)}`}</a>
      </p>
      <h1>Messages</h1>
      <p class="muted">
        Messages stay here, between the two of you: nobody sees your email or phone number. Meet in a public place, and never pay or send a code
        before you have the cat.
      </p>
      {inbox ? (
        <section aria-labelledby="inbox-heading">
          <h2 id="inbox-heading">People who wrote to you</h2>
          {inbox.length === 0 ? (
            <p class="muted">No messages yet.</p>
          ) : (
            <ul class="list">
              {inbox.map((summary) => (
                <li class={thread?.id === summary.id ? 'current' : undefined}>
                  <a href={`/finder/${report.id}/messages?thread=${summary.id}`} safe>
                    {`@${people.get(summary.correspondentId)?.handle ?? 'a member'}`}
                  </a>{' '}
                  <span class="muted" safe>{`${summary.messageCount} message${summary.messageCount === 1 ? '' : 's'}`}</span> <RelativeTime at={summary.lastMessageAt} />
                  {summary.flaggedCount > 0 && <span class="badge warning">Possible scam</span>}
                </li>
              ))}
            </ul>
          )}
        </section>
      ) : (
        ''
      )}
      {thread || !inbox ? <ThreadView {...props} /> : ''}
    </>
  )
}

/** One thread and its reply form: the fragment htmx swaps after a message is sent. */
export function ThreadView({ report, viewerId, thread, people, error, draft }: MessagesPageProps): JSX.Element {
  const other = thread ? (viewerId === thread.reporterId ? thread.correspondentId : thread.reporterId) : report.reporterId
  const otherName = viewerId === report.reporterId ? `@${people.get(other)?.handle ?? 'a member'}` : 'the reporter'
  const action = `/finder/${report.id}/messages`
  return (
    <section id="thread" aria-labelledby="thread-heading">
      <h2 id="thread-heading" safe>
        {`Conversation with ${otherName}`}
      </h2>
      {thread && thread.messages.length > 0 ? (
        <ol class="messages">
          {thread.messages.map((message) => {
            const mine = message.authorId === viewerId
            return (
              <li class={mine ? 'message mine' : 'message'}>
                <p class="muted">
                  <span safe>{mine ? 'You' : otherName}</span>, <RelativeTime at={message.createdAt} />
                </p>
                {!mine && message.scamSignals.length > 0 && (
                  <p class="scam-warning" role="note">
                    <strong>Careful: this looks like a scam.</strong>{' '}
                    <span safe>{`It asks for ${message.scamSignals.map((signal) => SCAM_SIGNAL_WORDS[signal]).join(' and ')}.`}</span> Someone who really has
                    a cat needs none of these. Ask for a fresh photo of the cat with something of today in it before you go or pay anything.
                  </p>
                )}
                <p class="prewrap" safe>
                  {message.body}
                </p>
              </li>
            )
          })}
        </ol>
      ) : (
        <p class="muted">No messages yet.</p>
      )}
      <form class="stack" method="post" action={action} hx-post={action} hx-target="#thread" hx-swap="outerHTML" novalidate>
        {thread ? <input type="hidden" name="thread" value={String(thread.id)} /> : ''}
        <TextArea name="body" label={`Message to ${otherName}`} value={draft} error={error} maxlength={BODY_MAX} rows={4} required />
        <button type="submit">Send the message</button>
      </form>
    </section>
  )
}
