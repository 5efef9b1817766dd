/**
 * A browser's side of web push encryption, written from the RFCs with WebCrypto only, so that the
 * tests' push service reads what the app sends without trusting the library that encrypted it
 * (web-push uses `http_ece`; this shares no code with it):
 * - RFC 8188 (aes128gcm): header `salt(16) | rs(4) | idlen(1) | keyid(idlen)`, then records of `rs`
 *   bytes, each AES-128-GCM with the nonce XOR its sequence number, padded by a delimiter byte
 *   (2 on the last record, 1 before) and zeros.
 * - RFC 8291 §3.3–3.4: keyid is the sender's ephemeral public key; the input key material is
 *   HKDF(salt = auth secret, ikm = ECDH(ua private, as public), info = "WebPush: info\0" ‖ ua public ‖ as public).
 *
 * tests/unit/web-push-decrypt.test.ts checks it against RFC 8291 Appendix A.
 */
const subtle = globalThis.crypto.subtle
const text = new TextEncoder()

export interface Subscriber {
  /** The ECDH private key, as the browser keeps it. */
  privateKey: CryptoKey
  /** The uncompressed public point (65 bytes): `keys.p256dh`. */
  publicKey: Uint8Array<ArrayBuffer>
  /** `keys.auth`: 16 bytes. */
  auth: Uint8Array<ArrayBuffer>
}

/** Every derived value, for the RFC's intermediate values. */
export interface Decrypted {
  plaintext: Uint8Array<ArrayBuffer>
  salt: Uint8Array<ArrayBuffer>
  recordSize: number
  senderPublicKey: Uint8Array<ArrayBuffer>
  ecdhSecret: Uint8Array<ArrayBuffer>
  ikm: Uint8Array<ArrayBuffer>
  cek: Uint8Array<ArrayBuffer>
  nonce: Uint8Array<ArrayBuffer>
}

/** A new subscriber's keys, as `PushManager.subscribe` makes them. */
export async function newSubscriber(): Promise<Subscriber> {
  const pair = (await subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits'])) as CryptoKeyPair
  const publicKey = new Uint8Array(await subtle.exportKey('raw', pair.publicKey))
  return { privateKey: pair.privateKey, publicKey, auth: globalThis.crypto.getRandomValues(new Uint8Array(16)) }
}

/** A subscriber from a private scalar `d` and its public point (RFC 8291 Appendix A gives both). */
export async function subscriberFrom(privateD: Uint8Array, publicKey: Uint8Array<ArrayBuffer>, auth: Uint8Array<ArrayBuffer>): Promise<Subscriber> {
  const jwk = { kty: 'EC', crv: 'P-256', d: base64url(privateD), x: base64url(publicKey.subarray(1, 33)), y: base64url(publicKey.subarray(33, 65)) }
  const privateKey = await subtle.importKey('jwk', jwk, { name: 'ECDH', namedCurve: 'P-256' }, false, ['deriveBits'])
  return { privateKey, publicKey, auth }
}

/** Decrypts an `aes128gcm` push message body; throws on anything malformed or tampered with. */
export async function decryptPush(body: Uint8Array, subscriber: Subscriber): Promise<Decrypted> {
  if (body.length < 21) throw new Error('body shorter than the aes128gcm header')
  const salt = body.slice(0, 16)
  const recordSize = new DataView(body.buffer, body.byteOffset + 16, 4).getUint32(0)
  const idLength = body[20]!
  if (idLength !== 65) throw new Error(`keyid must be the sender's 65-byte public key (got ${idLength} bytes)`)
  if (recordSize < 18) throw new Error(`record size ${recordSize} is below the minimum of 18`)
  const senderPublicKey = body.slice(21, 21 + idLength)
  const sender = await subtle.importKey('raw', senderPublicKey, { name: 'ECDH', namedCurve: 'P-256' }, false, [])
  const ecdhSecret = new Uint8Array(await subtle.deriveBits({ name: 'ECDH', public: sender }, subscriber.privateKey, 256))

  const keyInfo = concat(text.encode('WebPush: info\0'), subscriber.publicKey, senderPublicKey)
  const ikm = await hkdf(subscriber.auth, ecdhSecret, keyInfo, 32)
  const cek = await hkdf(salt, ikm, text.encode('Content-Encoding: aes128gcm\0'), 16)
  const nonce = await hkdf(salt, ikm, text.encode('Content-Encoding: nonce\0'), 12)
  const aes = await subtle.importKey('raw', cek, 'AES-GCM', false, ['decrypt'])

  const records = body.slice(21 + idLength)
  const parts: Uint8Array[] = []
  for (let start = 0, sequence = 0; start < records.length; start += recordSize, sequence++) {
    const record = records.slice(start, start + recordSize)
    const last = start + recordSize >= records.length
    const padded = new Uint8Array(await subtle.decrypt({ name: 'AES-GCM', iv: nonceFor(nonce, sequence) }, aes, record))
    parts.push(unpad(padded, last))
  }
  return { plaintext: concat(...parts), salt, recordSize, senderPublicKey, ecdhSecret, ikm, cek, nonce }
}

/** HKDF-SHA-256 (extract with `salt`, then expand with `info`) to `bytes` bytes. */
async function hkdf(salt: Uint8Array<ArrayBuffer>, ikm: Uint8Array<ArrayBuffer>, info: Uint8Array<ArrayBuffer>, bytes: number): Promise<Uint8Array<ArrayBuffer>> {
  const key = await subtle.importKey('raw', ikm, 'HKDF', false, ['deriveBits'])
  return new Uint8Array(await subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt, info }, key, bytes * 8))
}

/** RFC 8188 §2.3: the record's nonce is the base nonce XOR its sequence number (big-endian, 96 bits). */
function nonceFor(base: Uint8Array<ArrayBuffer>, sequence: number): Uint8Array<ArrayBuffer> {
  const nonce = base.slice()
  const view = new DataView(nonce.buffer)
  view.setUint32(8, view.getUint32(8) ^ sequence)
  return nonce
}

/** Strips trailing zeros and the delimiter: 2 ends the last record, 1 any other. */
function unpad(padded: Uint8Array, last: boolean): Uint8Array {
  let end = padded.length - 1
  while (end >= 0 && padded[end] === 0) end--
  const delimiter = padded[end]
  if (delimiter !== (last ? 2 : 1)) throw new Error(`record padding delimiter is ${delimiter}, expected ${last ? 2 : 1}`)
  return padded.subarray(0, end)
}

function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0))
  let at = 0
  for (const part of parts) {
    out.set(part, at)
    at += part.length
  }
  return out
}

export function base64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url')
}

export function fromBase64url(value: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(Buffer.from(value, 'base64url'))
}
