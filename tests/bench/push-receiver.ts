/**
 * The push benchmark's push service (tests/bench/push.ts), in a process of its own so that receiving
 * does not share the sender's event loop: https on loopback with the certificate in TLS_KEY/TLS_CERT
 * (the benchmark's tests/helpers/tls.ts certificate, which its sender trusts),
 * `POST /push/<n>` answered 201. It counts every push and when it came, checks the VAPID token of one
 * push in `VERIFY_EVERY` and decrypts one in `DECRYPT_EVERY` (tests/helpers/web-push-decrypt.ts) with
 * the subscriber's private key, which both processes derive from `n` (`benchSubscriberKeys`).
 * `GET /stats` answers the counts as JSON. Prints `{"port": …}` once listening.
 */
import { createECDH, createHash } from 'node:crypto'
import { checkVapid } from '@tests/helpers/push-service'
import { decryptPush, subscriberFrom } from '@tests/helpers/web-push-decrypt'

/** The private scalar, public point and auth secret of bench subscriber `n`: the same in every process. */
export function benchSubscriberKeys(n: number): { privateKey: Buffer; publicKey: Buffer; auth: Buffer } {
  const privateKey = createHash('sha256').update(`nl-bench-push-key:${n}`).digest()
  const ecdh = createECDH('prime256v1')
  ecdh.setPrivateKey(privateKey) // a SHA-256 output is a valid P-256 scalar but for odds of 2^-32
  return { privateKey, publicKey: ecdh.getPublicKey(), auth: createHash('sha256').update(`nl-bench-push-auth:${n}`).digest().subarray(0, 16) }
}

export interface ReceiverStats {
  received: number
  /** Distinct subscribers that got at least one push. */
  subscribers: number
  firstAt: number | null
  lastAt: number | null
  verified: number
  decrypted: number
  /** Pushes whose token or body failed a check, with the first few reasons. */
  failures: number
  reasons: string[]
  topics: number
}

if (import.meta.main) {
  const vapidPublicKey = process.env.VAPID_PUBLIC_KEY!
  const decryptEvery = Number(process.env.DECRYPT_EVERY ?? 1)
  const verifyEvery = Number(process.env.VERIFY_EVERY ?? 100)
  const seen = new Set<number>()
  const topics = new Set<string>()
  const stats: ReceiverStats = { received: 0, subscribers: 0, firstAt: null, lastAt: null, verified: 0, decrypted: 0, failures: 0, reasons: [], topics: 0 }
  const fail = (reason: string) => {
    stats.failures++
    if (stats.reasons.length < 5) stats.reasons.push(reason)
  }
  const [key, cert] = [process.env.TLS_KEY!, process.env.TLS_CERT!]
  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    tls: { key, cert },
    async fetch(request) {
      const url = new URL(request.url)
      if (request.method === 'GET' && url.pathname === '/stats') return Response.json({ ...stats, subscribers: seen.size, topics: topics.size })
      if (request.method === 'POST' && url.pathname === '/reset') {
        seen.clear()
        topics.clear()
        Object.assign(stats, { received: 0, firstAt: null, lastAt: null, verified: 0, decrypted: 0, failures: 0, reasons: [] })
        return new Response(null, { status: 204 })
      }
      const n = Number(/^\/push\/(\d+)$/.exec(url.pathname)?.[1])
      if (request.method !== 'POST' || !Number.isSafeInteger(n)) return new Response(null, { status: 404 })
      const body = new Uint8Array(await request.arrayBuffer())
      const count = ++stats.received
      stats.firstAt ??= Date.now()
      stats.lastAt = Date.now()
      seen.add(n)
      topics.add(request.headers.get('topic') ?? '')
      if (count % verifyEvery === 0) {
        const problem = await checkVapid(request, `https://localhost:${server.port}`, vapidPublicKey)
        if (problem) fail(problem)
        else stats.verified++
      }
      if (count % decryptEvery === 0) {
        try {
          const keys = benchSubscriberKeys(n)
          const subscriber = await subscriberFrom(keys.privateKey, new Uint8Array(keys.publicKey), new Uint8Array(keys.auth))
          const message = JSON.parse(new TextDecoder().decode((await decryptPush(body, subscriber)).plaintext)) as { title?: string }
          if (typeof message.title === 'string') stats.decrypted++
          else fail('payload without a title')
        } catch (error) {
          fail(`undecryptable: ${String(error)}`)
        }
      }
      return new Response(null, { status: 201 })
    },
  })
  console.log(JSON.stringify({ port: server.port }))
}
