/**
 * The most common passwords, which guessing starts with: the 49,233 of zxcvbn's "passwords-common"
 * list (`@zxcvbn-ts/language-common`, from leaked-password corpora). A new password on it is
 * refused. The list is read on the first new password, not at start-up, and then kept.
 */
let common: Promise<ReadonlySet<string>> | null = null

function commonPasswords(): Promise<ReadonlySet<string>> {
  common ??= import('@zxcvbn-ts/language-common').then(({ dictionary }) => new Set(dictionary['passwords-common'].map((word) => word.toLowerCase())))
  return common
}

/** Whether `password` (in any case) is one of the common passwords. */
export async function isCommonPassword(password: string): Promise<boolean> {
  return (await commonPasswords()).has(password.toLowerCase())
}
