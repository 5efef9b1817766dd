// New passwords on the list of common passwords (@zxcvbn-ts/language-common) are refused with a
// clear message, in any case; the account is not made (issue 18, "Headers": common passwords).
// The reset form's refusal is in password-reset.test.ts.
import { describe, expect, test } from 'bun:test'
import { isCommonPassword } from '@/features/accounts/common-passwords'
import { testContext } from '@tests/helpers/context'
import { TestClient, uniqueHandle } from '@tests/helpers/http'

const ctx = await testContext()
const client = () => new TestClient(ctx)

async function usersNamed(handle: string): Promise<number> {
  return (await ctx.infra.dbs.accounts.selectFrom('users').select('id').where('handle', '=', handle).execute()).length
}

describe('common passwords', () => {
  test('the list is the package’s, read once: the top of it, in any case, and not a passphrase', async () => {
    for (const password of ['12345678', 'password', 'qwertyuiop', 'Trustno1', 'BASEBALL1']) expect(await isCommonPassword(password), password).toBe(true)
    for (const password of ['a good long password', 'correct horse battery', 'nine-lives-demo']) expect(await isCommonPassword(password), password).toBe(false)
  })

  test('signing up with one is a 422 with the message by the field, what was typed, and no account', async () => {
    for (const password of ['qwertyuiop', 'Password1', '1qaz2wsx']) {
      const handle = uniqueHandle('common')
      const response = await client().post('/signup', { handle, email: `${handle}@example.com`, password })
      expect(response.status).toBe(422)
      const html = await response.text()
      expect(html).toContain('That password is one of the most common ones')
      expect(html).toContain(`value="${handle}"`)
      expect(await usersNamed(handle)).toBe(0)
    }
    const handle = uniqueHandle('uncommon')
    const made = await client().post('/signup', { handle, email: `${handle}@example.com`, password: 'tabby on the radiator' })
    expect(made.status).toBe(303)
    expect(await usersNamed(handle)).toBe(1)
  })
})
