/** Sign up, sign in, sign out, and the account part of /settings. */
import { Elysia } from 'elysia'
import type { Config } from '@/config'
import type { Accounts, SignupInput } from '@/features/accounts/service'
import type { Sessions } from '@/features/accounts/sessions'
import type { Store } from '@/infra/store/store'
import { localPath, textField } from '@/http/form'
import { limitRate } from '@/http/rate-limit'
import { afterPost, invalid, page } from '@/http/render'
import type { HttpContext } from '@/http/context'
import { requireViewer } from '@/http/viewer'
import type { RenderContext } from '@/http/render'
import { LoginForm, SignupForm } from '@views/accounts/auth-forms'
import { LoginPage, SettingsPage, SignupPage } from '@views/accounts/pages'

interface AccountDeps {
  config: Pick<Config, 'authRateLimit'>
  accounts: Accounts
  sessions: Sessions
  store: Store
  context: HttpContext
}

export function accountRoutes({ config, accounts, sessions, store, context }: AccountDeps) {
  const signupPage = (render: RenderContext, form: JSX.Element, status = 200) =>
    page(render, { title: 'Sign up', main: SignupPage({ form }), fragment: () => form, status })
  const loginPage = (render: RenderContext, form: JSX.Element, status = 200) =>
    page(render, { title: 'Sign in', main: LoginPage({ form }), fragment: () => form, status })

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
      await limitRate(store, [`signup:ip:${meta.ip}`], config.authRateLimit)
      const result = await accounts.signUp(input)
      if (!result.ok) return signupPage(render, SignupForm({ values: input, errors: result.errors }), 422)
      set.headers['set-cookie'] = await sessions.start(result.value.id)
      return afterPost(render, '/')
    })
    .get('/login', ({ render, query }) =>
      loginPage(render, LoginForm({ values: {}, next: localPath(query.next) })),
    )
    .post('/login', async ({ render, body, meta, set }) => {
      const identifier = textField(body, 'identifier')
      const next = localPath(textField(body, 'next'))
      const account = identifier.trim().toLowerCase().replace(/^@/, '')
      await limitRate(store, [`login:ip:${meta.ip}`, `login:account:${account}`], config.authRateLimit)
      const user = await accounts.authenticate(identifier, textField(body, 'password'))
      if (!user) {
        const error = 'That handle or email and password do not match. Please try again.'
        return loginPage(render, LoginForm({ values: { identifier }, next, error }), 422)
      }
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
    .get('/settings', ({ render }) => {
      const viewer = requireViewer(render)
      return page(render, { title: 'Settings', main: SettingsPage({ viewer }) })
    })
}
