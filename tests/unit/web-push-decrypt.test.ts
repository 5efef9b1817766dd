/**
 * The tests' web push decrypter (tests/helpers/web-push-decrypt.ts) reads RFC 8291's worked example
 * (Appendix A) byte for byte: the push service in the tests can then be trusted to say what the app
 * really sent.
 */
import { describe, expect, test } from 'bun:test'
import { base64url, decryptPush, fromBase64url, subscriberFrom } from '@tests/helpers/web-push-decrypt'

// RFC 8291, Appendix A.
const RFC_8291 = {
  plaintext: 'When I grow up, I want to be a watermelon',
  asPublic: 'BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8',
  uaPrivate: 'q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94',
  uaPublic: 'BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4',
  salt: 'DGv6ra1nlYgDCS1FRnbzlw',
  auth: 'BTBZMqHH6r4Tts7J_aSIgg',
  ecdhSecret: 'kyrL1jIIOHEzg3sM2ZWRHDRB62YACZhhSlknJ672kSs',
  ikm: 'S4lYMb_L0FxCeq0WhDx813KgSYqU26kOyzWUdsXYyrg',
  cek: 'oIhVW04MRdy2XN9CiKLxTg',
  nonce: '4h_95klXJ5E_qnoN',
  body: 'DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN',
}

const subscriber = () => subscriberFrom(fromBase64url(RFC_8291.uaPrivate), fromBase64url(RFC_8291.uaPublic), fromBase64url(RFC_8291.auth))

describe('the web push decrypter of the tests (RFC 8291 + RFC 8188, WebCrypto)', () => {
  test('reads the RFC 8291 Appendix A message, with every intermediate value the RFC gives', async () => {
    const decrypted = await decryptPush(fromBase64url(RFC_8291.body), await subscriber())
    expect(new TextDecoder().decode(decrypted.plaintext)).toBe(RFC_8291.plaintext)
    expect(base64url(decrypted.salt)).toBe(RFC_8291.salt)
    expect(decrypted.recordSize).toBe(4096)
    expect(base64url(decrypted.senderPublicKey)).toBe(RFC_8291.asPublic)
    expect(base64url(decrypted.ecdhSecret)).toBe(RFC_8291.ecdhSecret)
    expect(base64url(decrypted.ikm)).toBe(RFC_8291.ikm)
    expect(base64url(decrypted.cek)).toBe(RFC_8291.cek)
    expect(base64url(decrypted.nonce)).toBe(RFC_8291.nonce)
  })

  test('refuses a message with one byte of its ciphertext changed', async () => {
    const body = fromBase64url(RFC_8291.body)
    body[body.length - 20]! ^= 1
    await expect(decryptPush(body, await subscriber())).rejects.toThrow()
  })

  test('refuses a message read with the wrong auth secret', async () => {
    const wrong = await subscriberFrom(fromBase64url(RFC_8291.uaPrivate), fromBase64url(RFC_8291.uaPublic), new Uint8Array(16))
    await expect(decryptPush(fromBase64url(RFC_8291.body), wrong)).rejects.toThrow()
  })
})
