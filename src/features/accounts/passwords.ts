/** Password hashing with Bun's argon2id (memory-hard, with its own salt in the hash string). */

export const hashPassword = (password: string): Promise<string> => Bun.password.hash(password, { algorithm: 'argon2id' })

export const verifyPassword = (password: string, hash: string): Promise<boolean> => Bun.password.verify(password, hash)

/**
 * A hash to verify against when no account matches, so that "no such user" takes as long as
 * "wrong password" and the response time doesn't tell which handles exist.
 */
const missingAccountHash = hashPassword('no account has this password')

export async function verifyAgainstNothing(password: string): Promise<false> {
  await verifyPassword(password, await missingAccountHash)
  return false
}
