/**
 * Sends web push messages (RFC 8030) to browsers' push services: encrypted for each browser
 * (RFC 8291, aes128gcm) and signed with our VAPID key (RFC 8292), both by `web-push`.
 *
 * What a batch of sends does, per subscription:
 * - **Once per event**: a Store mark `push:sent:<event>:<subscription>` claims the send (set only if
 *   absent, to "sending", for as long as a send may take) just before the first request, and says
 *   "done" once the push service answered. A batch that runs again (the queue is at-least-once)
 *   skips "done" ones, waits out a claim another run holds, and sends again only those whose claim
 *   expired with the worker that died holding it — the push service may or may not have them —
 *   with the same `Topic`, so that one replaces the other. Two runs of a batch never both send.
 * - **Politely**: at most PUSH_HOST_RATE_LIMIT requests a second to one push service host, at most
 *   PUSH_CONCURRENCY in flight per instance; a 429 or 503 pauses the host for its `Retry-After`;
 *   other 5xx and network errors are tried again with a short backoff, then left to the queue's retry.
 * - **Safely**: the endpoint must still pass the allowlist (src/features/notifications/push-endpoint.ts),
 *   and redirects are never followed (a push service never redirects; a redirect could lead inside).
 * - **Tidily**: 404 and 410 mean the browser dropped the subscription; the caller deletes it.
 *
 * Requests go out through Bun's `fetch` rather than web-push's `sendNotification` (node's
 * `https.request`): on Bun the latter managed ~570 requests a second on loopback where fetch, which
 * keeps connections alive per host by itself, did over 18,000. VAPID headers are made once per
 * push service origin and kept for hours: signing (ES256 in JavaScript) costs more than encrypting.
 */
import webpush from 'web-push'
import type { Config } from '@/config'
import { checkEndpoint } from '@/features/notifications/push-endpoint'
import type { PushTarget } from '@/features/notifications/push-subscriptions'
import type { VapidKeys } from '@/features/notifications/vapid'
import type { Logger } from '@/infra/log'
import { count, pushes } from '@/infra/metrics'
import type { Store } from '@/infra/store/store'
import { Semaphore } from '@/shared/semaphore'

/** What the service worker shows (static/sw.js, section 4). Push services take at most 4 KB encrypted. */
export interface PushMessage {
  title: string
  body: string
  /** Absolute URL opened when the notification is tapped. */
  url: string
  /** Absolute URL of a small picture (the cat's thumbnail). */
  icon?: string
  /** The notification's tag: a later one with the same tag replaces it on the device. */
  tag: string
}

export interface PushEvent {
  /** Names what happened, for the once-per-event marks: `alert:<report id>`, `note:<notification id>`. */
  key: string
  /** The `Topic` header (≤ 32 base64url characters): a later message with the same topic replaces this one at the push service. */
  topic: string
  /** How long the push service keeps the message for a browser that is offline. */
  ttlSeconds: number
  urgency: 'very-low' | 'low' | 'normal' | 'high'
}

export interface PushDelivery {
  target: PushTarget
  message: PushMessage
}

/** Subscription ids by what became of them in one batch. */
export interface BatchOutcome {
  /** The push service took it (2xx). */
  delivered: number[]
  /** An earlier run delivered it already. */
  skipped: number[]
  /** 404/410: the browser dropped the subscription (or its endpoint is no longer allowed). */
  gone: number[]
  /** Refused for good: a redirect, or a 4xx other than 404/410/429. */
  failed: number[]
  /** Still not through after the tries a batch makes (429, 5xx, network): for the queue's retry. */
  later: number[]
}

export type SendCounts = Record<keyof BatchOutcome, number>

/** "Done" marks outlive every retry of a batch (the queue gives up within minutes) with room to spare. */
const MARK_TTL_SECONDS = 24 * 60 * 60
const SENDING = 'sending'
const DONE = 'done'
/** A push service answers in well under a second; one that takes 10 s is down for our purposes. */
const SEND_TIMEOUT_MS = 10_000
/** A claim outlives the request it covers (renewed before each try), and not much more: a dead worker's claim frees its send soon. */
const CLAIM_SECONDS = SEND_TIMEOUT_MS / 1000 + 5
/** How often a batch looks again at a send another run has claimed. */
const CLAIM_POLL_MS = 250
/** Tries per subscription within one batch before leaving it to the queue's retry. */
const TRIES_IN_BATCH = 3
/** Backoff between those tries for a 5xx or network error. */
const RETRY_BACKOFF_MS = [250, 1000]
/** Longest pause (Retry-After, rate limit) a batch waits out itself; a longer one goes back to the queue, keeping jobs well inside its 60 s visibility timeout. */
const MAX_WAIT_IN_BATCH_MS = 10_000
/** How each answer of a push service is counted (`push_messages_total`): error and paused are tried again. */
const PUSH_OUTCOMES: Record<Answer['kind'], string> = { delivered: 'accepted', gone: 'gone', failed: 'failed', pause: 'paused', error: 'error' }

/** A 429 without Retry-After pauses the host this long. */
const DEFAULT_PAUSE_MS = 1000
/** Ignore a Retry-After beyond an hour: a push service asking for more is misbehaving. */
const MAX_PAUSE_MS = 60 * 60 * 1000
/** VAPID JWTs may live 24 h (RFC 8292); ours say 12 h and are replaced after 6. */
const VAPID_EXPIRY_SECONDS = 12 * 60 * 60
const VAPID_RENEW_MS = 6 * 60 * 60 * 1000

type Answer =
  | { kind: 'delivered' }
  | { kind: 'gone' }
  | { kind: 'failed' }
  | { kind: 'pause'; untilMs: number }
  | { kind: 'error'; reason: string }

export interface PushSenderDeps {
  vapid: VapidKeys
  store: Store
  log: Logger
  config: Pick<Config, 'push' | 'production'>
  /** Extra certificate authority to trust (PEM): the tests' and benchmark's loopback push service. */
  ca?: string
}

export function createPushSender({ vapid, store, log, config, ca }: PushSenderDeps) {
  const inFlight = new Semaphore(config.push.concurrency)
  const gates = new Map<string, HostGate>()
  // The allowed hosts' series exist from the start (a wildcard host's only once pushed to).
  for (const host of config.push.serviceHosts.filter((allowed) => !allowed.startsWith('*.'))) {
    for (const outcome of Object.values(PUSH_OUTCOMES)) count(pushes, { host, outcome }, 0)
  }
  const vapidHeaders = new Map<string, { authorization: string; renewAt: number }>()
  const totals: SendCounts = { delivered: 0, skipped: 0, gone: 0, failed: 0, later: 0 }

  function gateFor(host: string): HostGate {
    let gate = gates.get(host)
    if (!gate) gates.set(host, (gate = new HostGate(1000 / config.push.hostRatePerSecond)))
    return gate
  }

  function authorizationFor(audience: string): string {
    const kept = vapidHeaders.get(audience)
    if (kept && kept.renewAt > Date.now()) return kept.authorization
    const expiration = Math.floor(Date.now() / 1000) + VAPID_EXPIRY_SECONDS
    const { Authorization } = webpush.getVapidHeaders(audience, vapid.subject, vapid.publicKey, vapid.privateKey, 'aes128gcm', expiration)
    vapidHeaders.set(audience, { authorization: Authorization, renewAt: Date.now() + VAPID_RENEW_MS })
    return Authorization
  }

  /** One request to the push service, and what its answer means. */
  async function post(event: PushEvent, target: PushTarget, message: PushMessage, url: URL): Promise<Answer> {
    const details = webpush.generateRequestDetails({ endpoint: url.href, keys: { p256dh: target.p256dh, auth: target.auth } }, JSON.stringify(message), {
      TTL: event.ttlSeconds,
      urgency: event.urgency,
      topic: event.topic,
      contentEncoding: 'aes128gcm',
      headers: { Authorization: authorizationFor(url.origin) },
    })
    let response: Response
    try {
      response = await fetch(details.endpoint, {
        method: 'POST',
        headers: Object.fromEntries(Object.entries(details.headers).map(([name, value]) => [name, String(value)])),
        body: new Uint8Array(details.body),
        redirect: 'manual',
        signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
        ...(ca && { tls: { ca } }),
      })
      // Read to the end, so the connection goes back to the pool.
      await response.arrayBuffer()
    } catch (error) {
      count(pushes, { host: url.host, outcome: 'error' })
      return { kind: 'error', reason: error instanceof Error ? error.message : String(error) }
    }
    const answer = answerOf(response)
    count(pushes, { host: url.host, outcome: PUSH_OUTCOMES[answer.kind] })
    return answer
  }

  /**
   * Tries one subscription until the push service gives a final answer, or the batch has waited
   * enough, under the claim in `mark` (see the module comment); settles the mark with the outcome.
   */
  async function sendOne(event: PushEvent, target: PushTarget, message: PushMessage, mark: string): Promise<keyof BatchOutcome> {
    const allowed = checkEndpoint(target.endpoint, { serviceHosts: config.push.serviceHosts, production: config.production })
    if (!allowed.ok) return 'gone'
    const gate = gateFor(allowed.value.host)
    const waitUntil = Date.now() + MAX_WAIT_IN_BATCH_MS
    let claimed = false
    // Ours to settle: "done" after a final answer; dropped when nothing reached the browser, so the retry is no duplicate.
    const settle = async (outcome: keyof BatchOutcome): Promise<keyof BatchOutcome> => {
      if (claimed && outcome === 'later') await store.del(mark)
      else if (claimed) await store.set(mark, DONE, MARK_TTL_SECONDS)
      return outcome
    }
    let tries = 0
    for (;;) {
      const waitMs = gate.reserve(Date.now(), MAX_WAIT_IN_BATCH_MS)
      if (waitMs === null) return settle('later')
      if (waitMs > 0) await sleep(waitMs)
      const answer = await inFlight.run(async () => {
        // Claimed right before the request, so a worker dying now leaves at most its requests in flight to send again.
        if (claimed) await store.set(mark, SENDING, CLAIM_SECONDS)
        else claimed = await store.setIfAbsent(mark, SENDING, CLAIM_SECONDS)
        return claimed ? post(event, target, message, allowed.value) : null
      })
      if (answer === null) {
        // Another run holds the claim: it finishes ("done"), or its claim expires with it.
        if ((await store.get(mark)) === DONE) return 'skipped'
        if (Date.now() > waitUntil) return 'later'
        await sleep(CLAIM_POLL_MS)
        continue
      }
      tries++
      if (answer.kind === 'delivered' || answer.kind === 'gone' || answer.kind === 'failed') return settle(answer.kind)
      if (tries >= TRIES_IN_BATCH) return settle('later')
      if (answer.kind === 'pause') {
        gate.pause(answer.untilMs)
      } else {
        log.debug({ subscriptionId: target.id, reason: answer.reason, tries }, 'push service error; trying again')
        await sleep(RETRY_BACKOFF_MS[tries - 1] ?? RETRY_BACKOFF_MS.at(-1)!)
      }
    }
  }

  /** sendOne, at most once per (event, subscription) however often the batch runs. */
  async function deliverOnce(event: PushEvent, { target, message }: PushDelivery): Promise<keyof BatchOutcome> {
    const mark = `push:sent:${event.key}:${target.id}`
    if ((await store.get(mark)) === DONE) return 'skipped'
    return sendOne(event, target, message, mark)
  }

  return {
    /**
     * Sends each delivery's message to its browser, all at once within the limits above.
     *
     * @example
     * const outcome = await sender.sendBatch({ key: `alert:${id}`, topic, ttlSeconds: 86_400, urgency: 'high' }, deliveries)
     * await subscriptions.recordResults(outcome)
     */
    async sendBatch(event: PushEvent, deliveries: readonly PushDelivery[]): Promise<BatchOutcome> {
      const outcome: BatchOutcome = { delivered: [], skipped: [], gone: [], failed: [], later: [] }
      await Promise.all(
        deliveries.map(async (delivery) => {
          const result = await deliverOnce(event, delivery)
          outcome[result].push(delivery.target.id)
          totals[result]++
        }),
      )
      return outcome
    },

    /** Counts since this instance started, by outcome (for logs and the benchmark). */
    totals(): SendCounts {
      return { ...totals }
    },
  }
}

export type PushSender = ReturnType<typeof createPushSender>

function answerOf(response: Response): Answer {
  const status = response.status
  if (status >= 200 && status < 300) return { kind: 'delivered' }
  if (status === 404 || status === 410) return { kind: 'gone' }
  if (status === 429 || status === 503) return { kind: 'pause', untilMs: Date.now() + retryAfterMs(response.headers.get('retry-after')) }
  if (status >= 500) return { kind: 'error', reason: `push service answered ${status}` }
  // 3xx (never followed), 400 (a malformed request), 401/403 (VAPID refused), 413 (too large).
  return { kind: 'failed' }
}

/** Retry-After as seconds or an HTTP date, within bounds. */
export function retryAfterMs(header: string | null, now = Date.now()): number {
  if (!header) return DEFAULT_PAUSE_MS
  const seconds = /^\d+$/.test(header.trim()) ? Number(header) * 1000 : Date.parse(header) - now
  return Number.isFinite(seconds) ? Math.min(MAX_PAUSE_MS, Math.max(0, seconds)) : DEFAULT_PAUSE_MS
}

/**
 * Spaces requests to one push service host evenly at its rate, and holds them all while the host
 * has asked us to wait (Retry-After).
 */
class HostGate {
  private nextSlotAt = 0
  private pausedUntil = 0

  constructor(private readonly intervalMs: number) {}

  /** Milliseconds until this caller's turn, which is reserved; null when that is beyond `maxWaitMs` (nothing reserved). */
  reserve(now: number, maxWaitMs: number): number | null {
    const slot = Math.max(now, this.nextSlotAt, this.pausedUntil)
    if (slot - now > maxWaitMs) return null
    this.nextSlotAt = slot + this.intervalMs
    // Under a millisecond: timers can't wait that little, and the average rate holds anyway.
    return slot - now >= 1 ? slot - now : 0
  }

  pause(untilMs: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, untilMs)
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
