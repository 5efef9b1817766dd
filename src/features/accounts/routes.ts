/** Sign up, sign in, sign out, and the account part of /settings (name, bio and profile photo). */
import { Elysia } from 'elysia'
import type { Config } from '@/config'
import type { Avatars } from '@/features/accounts/avatars'
import type { Credentials, EmailChangeField, PasswordChangeField } from '@/features/accounts/credentials'
import type { EmailVerification } from '@/features/accounts/email-verification'
import { mailConfirmation } from '@/features/accounts/email-verification-routes'
import type { Viewer } from '@/features/accounts/viewer'
import { checkFileCount } from '@/features/media/intake'
import type { UploadErrors } from '@/features/media/service'
import type { Accounts, ProfileDetailsInput, SignupInput } from '@/features/accounts/service'
import type { Sessions } from '@/features/accounts/sessions'
import type { OutgoingMail } from '@/infra/mail'
import type { Store } from '@/infra/store/store'
import { throwIfAbandoned } from '@/http/errors'
import { fileCount, fileField, formText, readFormData, textField } from '@/http/form'
import { localPath } from '@/http/local-path'
import { byAccount, byAddress, byTyped, limitRate } from '@/http/rate-limit'
import { afterPost, invalid, page, seeOther, type RenderContext } from '@/http/page'
import type { HttpContext } from '@/http/context'
import { requireViewer } from '@/http/viewer'
import { refuse } from '@/http/errors'
import type { FieldErrors } from '@/shared/result'
import { textProblem } from '@/shared/text'
import { LoginForm, SignupForm } from '@views/accounts/auth-forms'
import { EMAIL_SECTION_ID, EmailSection } from '@views/accounts/email-verification'
import { LoginPage, SettingsPage, SignupPage } from '@views/accounts/pages'
import { PROFILE_DETAILS_ID, ProfileDetailsSection } from '@views/accounts/profile-details'
import { PASSWORD_SECTION_ID, PasswordSection } from '@views/accounts/password-section'
import { PROFILE_PHOTO_ID, ProfilePhotoSection } from '@views/accounts/profile-photo'
import { emailChangeMail, passwordChangedMail } from '@views/mail/account'

interface AccountDeps {
  config: Pick<Config, 'publicUrl' | 'authRateLimit' | 'mediaUploadRateLimit' | 'mediaMaxBytes'>
  accounts: Accounts
  avatars: Avatars
  sessions: Sessions
  emailVerification: EmailVerification
  credentials: Credentials
  /** Queues a message (`'mail.send'`). */
  sendMail: (mail: OutgoingMail) => Promise<void>
  store: Store
  context: HttpContext
  /** Sections other features add to /settings (the notifications feature's alert area), in order. */
  settingsSections?: (viewer: Viewer) => Promise<JSX.Element>
  /** Told after a member's name or bio changed, for the pages of other features that show them. */
  profileChanged?: (userId: string) => Promise<void>
}

/** What /settings shows again after a refused form: the form, what was typed and the messages. */
interface SettingsForms {
  photo?: { values: { alt?: string }; errors: UploadErrors }
  details?: { values: ProfileDetailsInput; errors: FieldErrors<keyof ProfileDetailsInput> }
  password?: FieldErrors<PasswordChangeField>
  email?: { values: { email?: string }; errors: FieldErrors<EmailChangeField> }
}

// A profile has one photo: a request carrying more files is refused before any is read.
const AVATAR_FILES = { mediaMaxFiles: 1 }

export function accountRoutes(deps: AccountDeps) {
  const { config, accounts, avatars, sessions, credentials, sendMail, store, context, settingsSections, profileChanged } = deps
  const sendConfirmation = mailConfirmation(deps)
  const signupPage = (render: RenderContext, form: JSX.Element, status = 200) =>
    page(render, { title: 'Sign up', main: SignupPage({ form }), fragment: () => form, status })
  const loginPage = (render: RenderContext, form: JSX.Element, status = 200) =>
    page(render, { title: 'Sign in', main: LoginPage({ form }), fragment: () => form, status })
  /**
   * /settings, or for an htmx form (the profile) or a refused upload sent by upload-progress.js,
   * just the section of the form that was sent.
   */
  const settingsPage = async (render: RenderContext, viewer: Viewer, forms: SettingsForms = {}, status = 200) => {
    const [current, profile, address, more] = await Promise.all([
      avatars.pictureOf(viewer.avatarMediaId),
      forms.details ? null : accounts.profilesByIds([viewer.id]).then((profiles) => profiles.get(viewer.id)),
      accounts.emailOf(viewer.id),
      settingsSections?.(viewer) ?? '',
    ])
    const profilePhoto = ProfilePhotoSection({ current, ...(forms.photo ?? { values: {}, errors: {} }), maxBytes: config.mediaMaxBytes })
    const details = ProfileDetailsSection(forms.details ?? { values: { displayName: profile?.displayName ?? '', bio: profile?.bio ?? '' }, errors: {} })
    const email = EmailSection({ email: address?.email ?? '', verified: address?.verified ?? false, ...(forms.email && { change: forms.email }) })
    const password = PasswordSection({ errors: forms.password ?? {} })
    return page(render, {
      title: 'Settings',
      main: SettingsPage({ viewer, details, profilePhoto, email, password, more }),
      fragment: () => (forms.details ? details : forms.password ? password : forms.email ? email : profilePhoto),
      status,
    })
  }

  return new Elysia({ name: 'accounts' })
    .use(context)
    .get('/signup', ({ render }) =>
      render.viewer ? afterPost(render, '/') : signupPage(render, SignupForm({ values: {}, errors: {} })),
    )
    .post('/signup', async ({ render, body, meta, set }) => {
      const input: SignupInput = {
        handle: textField(body, 'handle').trim(),
        email: textField(body, 'email'),
        password: textField(body, 'password'),
      }
      // Per address, and per account being created (its email), so neither one client nor many
      // clients can hammer one address; an empty email names no account.
      const email = input.email.trim() ? [byTyped('signup:email', input.email)] : []
      await limitRate(store, [byAddress('signup', meta.ip), ...email], config.authRateLimit)
      throwIfAbandoned(render.request)
      const result = await accounts.signUp(input)
      if (!result.ok) return signupPage(render, SignupForm({ values: input, errors: result.errors }), 422)
      set.headers['set-cookie'] = await sessions.start(result.value.id)
      await sendConfirmation(result.value.id)
      // The first steps (add a cat, an alert area, people to follow): /welcome, in the feed feature.
      return afterPost(render, '/welcome')
    })
    .get('/login', ({ render, query }) =>
      loginPage(render, LoginForm({ values: {}, next: localPath(query.next, config.publicUrl) })),
    )
    .post('/login', async ({ render, body, meta, set }) => {
      const identifier = textField(body, 'identifier')
      const next = localPath(textField(body, 'next'), config.publicUrl)
      const refused = textProblem(identifier, 'line')
      if (refused) return loginPage(render, LoginForm({ values: { identifier }, next, error: refused }), 422)
      const account = await accounts.accountNamed(identifier)
      // Guesses count against the account however it was named (handle, @handle or email). A name
      // that is no account's has a counter of its own, so that a 429 never tells whether one exists.
      const counter = account ? byAccount('login', account.id) : byTyped('login:nobody', identifier)
      await limitRate(store, [byAddress('login', meta.ip), counter], config.authRateLimit)
      const user = (await accounts.passwordMatches(account, textField(body, 'password'))) ? account : null
      if (!user) {
        const error = 'That handle or email and password do not match. Please try again.'
        return loginPage(render, LoginForm({ values: { identifier }, next, error }), 422)
      }
      throwIfAbandoned(render.request)
      set.headers['set-cookie'] = await sessions.start(user.id)
      return afterPost(render, next)
    })
    .post('/logout', async ({ render, sessionId, set }) => {
      if (sessionId) set.headers['set-cookie'] = await sessions.end(sessionId)
      return afterPost(render, '/')
    })
    .post('/logout/everywhere', async ({ render, set }) => {
      const viewer = requireViewer(render)
      set.headers['set-cookie'] = await sessions.endAll(viewer.id)
      return afterPost(render, '/')
    })
    .get('/settings', ({ render }) => settingsPage(render, requireViewer(render)))
    .get('/settings/password', () => seeOther(`/settings#${PASSWORD_SECTION_ID}`))
    .post('/settings/password', async ({ render, body, meta, set }) => {
      const viewer = requireViewer(render)
      // Guesses at the current password count like sign-in attempts.
      await limitRate(store, [byAccount('password', viewer.id), byAddress('password', meta.ip)], config.authRateLimit)
      const result = await credentials.changePassword(viewer.id, textField(body, 'current'), textField(body, 'password'))
      if (!result.ok) {
        if (result.status !== 422) refuse(result)
        return settingsPage(render, viewer, { password: result.errors }, 422)
      }
      // Every other device is signed out; this one goes on with a fresh session.
      await sessions.endAll(viewer.id)
      set.headers['set-cookie'] = await sessions.start(viewer.id)
      await sendMail({ to: result.value.email, ...passwordChangedMail(result.value, config.publicUrl) })
      return afterPost(render, `/settings#${PASSWORD_SECTION_ID}`, () => PasswordSection({ saved: true }))
    })
    .get('/settings/email', () => seeOther(`/settings#${EMAIL_SECTION_ID}`))
    .post('/settings/email', async ({ render, body, meta }) => {
      const viewer = requireViewer(render)
      await limitRate(store, [byAccount('email-change', viewer.id), byAddress('email-change', meta.ip)], config.authRateLimit)
      const values = { email: textField(body, 'email') }
      const result = await credentials.requestEmailChange(viewer.id, values.email, textField(body, 'current'))
      if (!result.ok) {
        if (result.status !== 422) refuse(result)
        return settingsPage(render, viewer, { email: { values, errors: result.errors } }, 422)
      }
      await sendMail({ to: result.value.email, ...emailChangeMail(result.value, config.publicUrl) })
      return afterPost(render, `/settings#${EMAIL_SECTION_ID}`, async () => {
        const address = await accounts.emailOf(viewer.id)
        return EmailSection({ email: address?.email ?? '', verified: address?.verified ?? false, requested: result.value.email })
      })
    })
    // A refused section, reloaded, opens the settings page at that section's form.
    .get('/settings/profile', () => seeOther(`/settings#${PROFILE_DETAILS_ID}`))
    .get('/settings/avatar', () => seeOther(`/settings#${PROFILE_PHOTO_ID}`))
    .post('/settings/profile', async ({ render, body }) => {
      const viewer = requireViewer(render)
      const values = { displayName: textField(body, 'displayName'), bio: textField(body, 'bio') }
      const result = await accounts.updateProfile(viewer.id, values)
      if (!result.ok) return settingsPage(render, viewer, { details: { values, errors: result.errors } }, 422)
      await profileChanged?.(viewer.id)
      return afterPost(render, '/settings', () => ProfileDetailsSection({ values: result.value, errors: {}, saved: true }))
    })
    .post(
      '/settings/avatar',
      async ({ render, request, meta }) => {
        const viewer = requireViewer(render)
        await limitRate(store, [byAddress('upload', meta.ip), byAccount('upload', viewer.id)], config.mediaUploadRateLimit)
        const form = await readFormData(request)
        const values = { alt: formText(form, 'alt') }
        const tooMany = checkFileCount(fileCount(form), AVATAR_FILES)
        if (tooMany) return settingsPage(render, viewer, { photo: { values, errors: { photo: tooMany.message } } }, tooMany.status)
        const result = await avatars.replace(viewer.id, { bytes: await fileField(form, 'photo'), alt: values.alt })
        if (!result.ok) return settingsPage(render, viewer, { photo: { values, errors: result.errors } }, result.status)
        return afterPost(render, '/settings')
      },
      // Read as FormData here, after the sign-in and rate checks, not by Elysia beforehand (which
      // would also turn a description starting with "[" or "{" into JSON).
      { parse: 'none' },
    )
}
