/** Accounts: who people are, how they sign up and sign in, and their roles. */
import { sql, type Kysely } from 'kysely'
import type { Role, UserRow } from '@/features/accounts/tables'
import { isCommonPassword } from '@/features/accounts/common-passwords'
import { hashPassword, verifyAgainstNothing, verifyPassword } from '@/features/accounts/passwords'
import { RESERVED_NAMES } from '@/features/accounts/reserved-names'
import type { AccountsDomain } from '@/schema'
import { isUuid } from '@/shared/ids'
import type { FieldErrors, Result } from '@/shared/result'
import { hasRefusedCharacters, TEXT_MESSAGES } from '@/shared/text'

export interface SignupInput {
  handle: string
  email: string
  password: string
}
export type SignupField = keyof SignupInput

/** What anyone may see of a member: other features show authors, followers and profiles with it. */
export interface PublicProfile {
  id: string
  handle: string
  displayName: string
  bio: string
  /** A media id (ask the media feature for URLs), or null. */
  avatarMediaId: string | null
}

/** The name and bio a member edits in /settings. */
export interface ProfileDetailsInput {
  displayName: string
  bio: string
}

/** What fits beside a post on a phone; a bio is a line or two on the profile, not a story. */
export const DISPLAY_NAME_MAX = 50
export const BIO_MAX = 280

export const HANDLE_PATTERN = /^[A-Za-z0-9_]{3,30}$/
/** RFC 5321 caps an address at 254 characters; the shape check only catches typos, not validity. */
export const EMAIL_PATTERN = /^[^\s@]{1,64}@[^\s@]+\.[^\s@]+$/
export const EMAIL_MAX = 254
/** argon2 hashes any length, but a megabyte password would be a cheap way to burn our CPU. */
export const PASSWORD_MIN = 8
export const PASSWORD_MAX = 200

/**
 * `viewerChanged` is told after a user's role changes, so signed-in pages stop showing (and
 * authorising with) the cached old viewer at once (`sessions.forgetViewer`).
 */
export function createAccounts(db: Kysely<AccountsDomain>, viewerChanged: (userId: string) => Promise<void>) {
  const findByHandle = (handle: string) =>
    db.selectFrom('users').selectAll().where(sql<string>`lower(handle)`, '=', handle.toLowerCase()).executeTakeFirst()

  const findByEmail = (email: string) =>
    db.selectFrom('users').selectAll().where(sql<string>`lower(email)`, '=', email.toLowerCase()).executeTakeFirst()

  const publicProfiles = () =>
    db.selectFrom('users').select(['id', 'handle', 'display_name as displayName', 'bio', 'avatar_media_id as avatarMediaId'])

  /**
   * The account a sign-in form names: by email, handle or `@handle`, in any case; null for none.
   * A name no account could have is never looked up.
   */
  async function accountNamed(identifier: string): Promise<UserRow | null> {
    const name = identifier.trim()
    const handle = name.startsWith('@') ? name.slice(1) : name
    if (HANDLE_PATTERN.test(handle)) return (await findByHandle(handle)) ?? null
    if (name.length <= EMAIL_MAX && EMAIL_PATTERN.test(name)) return (await findByEmail(name)) ?? null
    return null
  }

  /** Whether `password` is `user`'s; takes as long when there is no user. */
  async function passwordMatches(user: UserRow | null, password: string): Promise<boolean> {
    if (!user || password.length > PASSWORD_MAX) {
      await verifyAgainstNothing(password.slice(0, PASSWORD_MAX))
      return false
    }
    return verifyPassword(password, user.password_hash)
  }

  return {
    findByHandle,
    findByEmail,

    /** The public profile behind a handle, in any case; null when nobody has it. */
    profileByHandle(handle: string): Promise<PublicProfile | null> {
      if (!HANDLE_PATTERN.test(handle)) return Promise.resolve(null)
      return publicProfiles()
        .where(sql<string>`lower(handle)`, '=', handle.toLowerCase())
        .executeTakeFirst()
        .then((profile) => profile ?? null)
    },

    /**
     * Public profiles by id, in one query, for features that show people (authors of posts,
     * commenters). Ids that name nobody are left out of the map.
     *
     * @example
     * const authors = await accounts.profilesByIds(posts.map((post) => post.author_id))
     */
    async profilesByIds(ids: readonly string[]): Promise<Map<string, PublicProfile>> {
      const wanted = [...new Set(ids)].filter(isUuid)
      if (wanted.length === 0) return new Map()
      const profiles = await publicProfiles().where('id', 'in', wanted).execute()
      return new Map(profiles.map((profile) => [profile.id, profile]))
    },

    /** Saves a member's name and bio (trimmed), or says which is wrong; cached viewers are dropped. */
    async updateProfile(userId: string, input: ProfileDetailsInput): Promise<Result<ProfileDetailsInput, keyof ProfileDetailsInput>> {
      const details = { displayName: input.displayName.trim(), bio: input.bio.trim().replace(/\r\n?/g, '\n') }
      const errors = validateProfileDetails(details)
      if (errors) return { ok: false, status: 422, errors }
      await db.updateTable('users').set({ display_name: details.displayName, bio: details.bio }).where('id', '=', userId).execute()
      await viewerChanged(userId)
      return { ok: true, value: details }
    },

    /**
     * Creates a member account, or says which fields are wrong (taken handles and emails included).
     * Its address is unconfirmed until the member opens the link we mail them, unless `verified`
     * (demo accounts, whose addresses receive nothing).
     */
    async signUp(input: SignupInput, { verified = false }: { verified?: boolean } = {}): Promise<Result<UserRow, SignupField>> {
      const errors = await validateSignup(input)
      if (Object.keys(errors).length > 0) return { ok: false, status: 422, errors }
      const [handleOwner, emailOwner] = await Promise.all([findByHandle(input.handle), findByEmail(input.email)])
      if (handleOwner) errors.handle = 'That handle is taken. Please choose another.'
      if (emailOwner) errors.email = 'An account with that email already exists. Try signing in.'
      if (handleOwner || emailOwner) return { ok: false, status: 422, errors }
      const user = await db
        .insertInto('users')
        .values({
          handle: input.handle,
          email: input.email.trim(),
          display_name: input.handle,
          password_hash: await hashPassword(input.password),
          email_verified_at: verified ? new Date() : null,
        })
        // Two sign-ups racing for one handle: the unique index decides, and the loser hears "taken".
        .onConflict((conflict) => conflict.doNothing())
        .returningAll()
        .executeTakeFirst()
      if (!user) return { ok: false, status: 422, errors: { handle: 'That handle or email was just taken. Please choose another.' } }
      return { ok: true, value: user }
    },

    accountNamed,
    passwordMatches,

    /** A member's address and whether they confirmed it, for their own settings; null for nobody. */
    async emailOf(userId: string): Promise<{ email: string; verified: boolean } | null> {
      const row = await db.selectFrom('users').select(['email', 'email_verified_at']).where('id', '=', userId).executeTakeFirst()
      return row ? { email: row.email, verified: row.email_verified_at !== null } : null
    },

    /** The account for a handle, `@handle` or email and password, or null; takes as long either way. */
    async authenticate(identifier: string, password: string): Promise<UserRow | null> {
      const user = await accountNamed(identifier)
      return (await passwordMatches(user, password)) ? user : null
    },

    async setRole(handle: string, role: Role): Promise<UserRow | null> {
      const user = await findByHandle(handle)
      if (!user) return null
      const updated = await db.updateTable('users').set({ role }).where('id', '=', user.id).returningAll().executeTakeFirstOrThrow()
      await viewerChanged(user.id)
      return updated
    },
  }
}

export type Accounts = ReturnType<typeof createAccounts>

async function validateSignup(input: SignupInput): Promise<FieldErrors<SignupField>> {
  const errors: FieldErrors<SignupField> = {}
  if (!HANDLE_PATTERN.test(input.handle)) {
    errors.handle = 'A handle has 3 to 30 letters, digits or underscores.'
  } else if (RESERVED_NAMES.has(input.handle.toLowerCase())) {
    errors.handle = 'That handle is reserved. Please choose another.'
  }
  const email = input.email.trim()
  if (!email) errors.email = 'Please enter your email address.'
  else if (hasRefusedCharacters(input.email, 'line')) errors.email = TEXT_MESSAGES.line
  else if (email.length > EMAIL_MAX || !EMAIL_PATTERN.test(email)) errors.email = 'That does not look like an email address.'
  const password = await passwordProblem(input.password)
  if (password) errors.password = password
  return errors
}

export const COMMON_PASSWORD_MESSAGE = 'That password is one of the most common ones, which are guessed first. Please choose another: a few unrelated words make a good one.'

/** What is wrong with a new password (sign-up, reset), or null. */
export async function passwordProblem(password: string): Promise<string | null> {
  if (password.length < PASSWORD_MIN) return `A password needs at least ${PASSWORD_MIN} characters.`
  if (password.length > PASSWORD_MAX) return `A password can have at most ${PASSWORD_MAX} characters.`
  if (await isCommonPassword(password)) return COMMON_PASSWORD_MESSAGE
  return null
}

function validateProfileDetails({ displayName, bio }: ProfileDetailsInput): FieldErrors<keyof ProfileDetailsInput> | null {
  const errors: FieldErrors<keyof ProfileDetailsInput> = {}
  const nameLength = [...displayName].length
  if (nameLength === 0) errors.displayName = 'Please enter the name others see.'
  else if (nameLength > DISPLAY_NAME_MAX) errors.displayName = `A display name has at most ${DISPLAY_NAME_MAX} characters; this one has ${nameLength}.`
  else if (hasRefusedCharacters(displayName, 'line')) errors.displayName = TEXT_MESSAGES.line
  const bioLength = [...bio].length
  if (bioLength > BIO_MAX) errors.bio = `A bio has at most ${BIO_MAX} characters; this one has ${bioLength}.`
  else if (hasRefusedCharacters(bio, 'lines')) errors.bio = TEXT_MESSAGES.lines
  return Object.keys(errors).length > 0 ? errors : null
}
