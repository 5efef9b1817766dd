/**
 * A push service on loopback, over TLS, for tests and the benchmark: what Mozilla's autopush or FCM
 * do with a message, minus the delivery to a phone. It checks each request the way a real one does —
 * the VAPID JWT (RFC 8292: ES256 by the key in `k`, which must be the app's; `aud` the endpoint's
 * origin; `exp` within 24 hours; `sub` a mailto: or https: contact) and the aes128gcm body — and
 * decrypts the payload with the subscriber's private key (tests/helpers/web-push-decrypt.ts).
 *
 * Endpoints are `https://localhost:<port>/push/<subscriber id>`. Each subscriber answers 201 unless
 * told otherwise (`answer`): 404, 410, 429 with Retry-After, 500, a redirect…
 */
import { testCertificate } from '@tests/helpers/tls'
import { base64url, decryptPush, fromBase64url, newSubscriber, type Subscriber } from '@tests/helpers/web-push-decrypt'

export interface ReceivedPush {
  subscriberId: string
  topic: string | null
  ttl: number
  urgency: string | null
  /** The decrypted payload, parsed as JSON. */
  message: Record<string, unknown>
  at: number
}

export interface ScriptedAnswer {
  status: number
  headers?: Record<string, string>
}

export interface TestPushService {
  /** `https://localhost:<port>` */
  origin: string
  received: ReceivedPush[]
  /** Requests refused for a bad VAPID token or body, with why. */
  refused: { subscriberId: string; reason: string }[]
  /** A new browser's subscription (as `PushSubscription.toJSON()`), and its id here. */
  subscribe(): Promise<{ id: string; subscription: { endpoint: string; keys: { p256dh: string; auth: string } } }>
  /** The next answers this subscriber gives, in order; after them, 201 again. */
  answer(subscriberId: string, ...answers: ScriptedAnswer[]): void
  receivedBy(subscriberId: string): ReceivedPush[]
  /** Requests that reached a subscriber's endpoint, whatever was answered. */
  attemptsAt(subscriberId: string): number
  /** Holds each 201 this long from now on. */
  setDelay(ms: number): void
  stop(): Promise<void>
}

export interface PushServiceOptions {
  /** The app's VAPID public key: a token signed by any other key is refused, as a real push service refuses it. */
  vapidPublicKey: string
  /** Hold each 201 this long (a slow push service; the kill test's sends in flight). */
  delayMs?: number
}

const MAX_TOKEN_HOURS = 24

export async function startPushService({ vapidPublicKey, delayMs: initialDelayMs = 0 }: PushServiceOptions): Promise<TestPushService> {
  let delayMs = initialDelayMs
  const { key, cert } = testCertificate()
  const subscribers = new Map<string, Subscriber>()
  const scripts = new Map<string, ScriptedAnswer[]>()
  const attempts = new Map<string, number>()
  const received: ReceivedPush[] = []
  const refused: TestPushService['refused'] = []
  let nextId = 1

  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    tls: { key, cert },
    async fetch(request) {
      const url = new URL(request.url)
      const subscriberId = /^\/push\/([\w-]+)$/.exec(url.pathname)?.[1]
      const subscriber = subscriberId && subscribers.get(subscriberId)
      if (request.method !== 'POST' || !subscriberId || !subscriber) return new Response('no such subscription', { status: 404 })
      attempts.set(subscriberId, (attempts.get(subscriberId) ?? 0) + 1)
      const scripted = scripts.get(subscriberId)?.shift()
      const body = new Uint8Array(await request.arrayBuffer())
      if (scripted) return new Response(null, { status: scripted.status, headers: scripted.headers })
      const problem = await checkVapid(request, `https://localhost:${server.port}`, vapidPublicKey)
      if (problem) {
        refused.push({ subscriberId, reason: problem })
        return new Response(problem, { status: 403 })
      }
      if (request.headers.get('content-encoding') !== 'aes128gcm') {
        refused.push({ subscriberId, reason: 'not aes128gcm' })
        return new Response('aes128gcm only', { status: 415 })
      }
      let message: Record<string, unknown>
      try {
        const { plaintext } = await decryptPush(body, subscriber)
        message = JSON.parse(new TextDecoder().decode(plaintext)) as Record<string, unknown>
      } catch (error) {
        refused.push({ subscriberId, reason: `undecryptable: ${String(error)}` })
        return new Response('undecryptable', { status: 400 })
      }
      received.push({
        subscriberId,
        topic: request.headers.get('topic'),
        ttl: Number(request.headers.get('ttl')),
        urgency: request.headers.get('urgency'),
        message,
        at: Date.now(),
      })
      if (delayMs > 0) await Bun.sleep(delayMs)
      return new Response(null, { status: 201, headers: { Location: `${url.origin}/message/${received.length}` } })
    },
  })

  const origin = `https://localhost:${server.port}`
  return {
    origin,
    received,
    refused,
    async subscribe() {
      const id = `s${nextId++}`
      const subscriber = await newSubscriber()
      subscribers.set(id, subscriber)
      return { id, subscription: { endpoint: `${origin}/push/${id}`, keys: { p256dh: base64url(subscriber.publicKey), auth: base64url(subscriber.auth) } } }
    },
    answer(subscriberId, ...answers) {
      scripts.set(subscriberId, [...(scripts.get(subscriberId) ?? []), ...answers])
    },
    receivedBy: (subscriberId) => received.filter((push) => push.subscriberId === subscriberId),
    attemptsAt: (subscriberId) => attempts.get(subscriberId) ?? 0,
    setDelay(ms) {
      delayMs = ms
    },
    async stop() {
      await server.stop(true)
    },
  }
}

/** What is wrong with the request's VAPID authorization (RFC 8292), or null when it is right. */
export async function checkVapid(request: Request, audience: string, expectedKey: string): Promise<string | null> {
  const match = /^vapid t=([\w-]+\.[\w-]+\.[\w-]+), k=([\w-]+)$/.exec(request.headers.get('authorization') ?? '')
  if (!match) return 'no VAPID authorization'
  const [, token, key] = match as unknown as [string, string, string]
  if (key !== expectedKey) return 'signed by a key that is not the application server key'
  const [header, claims, signature] = token.split('.') as [string, string, string]
  const publicKey = await crypto.subtle.importKey('raw', fromBase64url(key), { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify'])
  const signed = new TextEncoder().encode(`${header}.${claims}`)
  const valid = await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, publicKey, fromBase64url(signature), signed)
  if (!valid) return 'bad ES256 signature'
  const { alg } = JSON.parse(Buffer.from(header, 'base64url').toString()) as { alg?: string }
  if (alg !== 'ES256') return `alg ${alg}`
  const { aud, exp, sub } = JSON.parse(Buffer.from(claims, 'base64url').toString()) as { aud?: string; exp?: number; sub?: string }
  if (aud !== audience) return `aud ${aud} is not ${audience}`
  const now = Date.now() / 1000
  if (typeof exp !== 'number' || exp <= now || exp > now + MAX_TOKEN_HOURS * 3600) return `exp ${exp} not within ${MAX_TOKEN_HOURS} hours`
  if (typeof sub !== 'string' || !/^(mailto:|https:)/.test(sub)) return `sub ${sub} is not a mailto: or https: contact`
  return null
}
