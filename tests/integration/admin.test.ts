import { describe, expect, test } from 'bun:test'
import { sql } from 'kysely'
import { AUDIT_PAGE_SIZE } from '@/features/admin/audit'
import { testContext } from '@tests/helpers/context'
import { TestClient } from '@tests/helpers/http'

const ctx = await testContext()
const { accounts, backOffice } = ctx.services
const accountsDb = ctx.infra.dbs.accounts

async function signedIn(prefix: string, role?: 'moderator' | 'admin') {
  const browser = new TestClient(ctx)
  const account = await browser.signUp(prefix)
  if (role) await accounts.setRole(account.handle, role)
  const user = (await accounts.findByHandle(account.handle))!
  return { browser, user }
}

/** Every /admin route the app serves, with its parameters filled in. */
function adminRoutes(): { method: string; path: string }[] {
  return ctx.app.routes
    .filter((route) => route.path === '/admin' || route.path.startsWith('/admin/'))
    .map((route) => ({ method: route.method, path: route.path.replace(/:[^/]+/g, '1') }))
}

describe('the back office is only for staff', () => {
  test('every /admin route answers 404 to a member and to a signed-out visitor', async () => {
    const routes = adminRoutes()
    expect(routes.length).toBeGreaterThan(1)
    const { browser: member } = await signedIn('plainmember')
    const visitor = new TestClient(ctx)
    for (const { method, path } of routes) {
      for (const who of [member, visitor]) {
        const response = method === 'GET' ? await who.get(path) : await who.post(path, { reason: 'spam' })
        expect({ method, path, status: response.status }).toEqual({ method, path, status: 404 })
        expect(await response.text()).not.toContain('Back office')
      }
    }
  })

  test('moderators and admins open the back office and the audit log', async () => {
    for (const role of ['moderator', 'admin'] as const) {
      const { browser } = await signedIn(`staff${role}`, role)
      const home = await browser.get('/admin')
      expect(home.status).toBe(200)
      expect(await home.text()).toContain('href="/admin/audit"')
      const audit = await browser.get('/admin/audit')
      expect(audit.status).toBe(200)
      expect(audit.headers.get('cache-control')).toBe('private, no-cache')
    }
  })
})

describe('the audit log', () => {
  test('shows who did what to which item, filtered, newest first, keyset-paged', async () => {
    const { browser, user: staff } = await signedIn('auditor', 'admin')
    const subject = crypto.randomUUID()
    for (let i = 0; i < AUDIT_PAGE_SIZE + 3; i++) {
      await backOffice.audit.record({ actorId: staff.id, action: 'member.suspend', subjectKind: 'member', subjectId: subject, before: 'active', after: `suspended ${i}`, reason: `<b>reason ${i}</b>` })
    }
    const first = await (await browser.get(`/admin/audit?subject=${subject}`)).text()
    expect(first).toContain(`@${staff.handle}`)
    expect(first).toContain('&lt;b&gt;reason 52&lt;/b&gt;')
    expect(first).toContain('active → suspended 52')
    expect(first).not.toContain('reason 2&lt;')
    const older = first.match(/href="(\/admin\/audit\?[^"]*before=\d+)"/)?.[1]
    expect(older).toBeDefined()
    const second = await (await browser.get(older!.replaceAll('&amp;', '&'))).text()
    expect(second).toContain('reason 2&lt;')
    expect(second).toContain('reason 0&lt;')
    expect(second).not.toContain('reason 3&lt;')
    expect(second).not.toContain('Older entries')

    const byActor = await (await browser.get(`/admin/audit?actor=@${staff.handle}&action=member.suspend`)).text()
    expect(byActor).toContain('reason 52')
    const otherAction = await (await browser.get(`/admin/audit?subject=${subject}&action=role.change`)).text()
    expect(otherAction).toContain('No entries match.')
    const nobody = await browser.get('/admin/audit?actor=nobody_has_this_handle')
    expect(nobody.status).toBe(200)
    expect(await nobody.text()).toContain('No account has that handle.')
  })

  test('an entry from the command line (npm run make-admin) reads as such', async () => {
    const { user } = await signedIn('promoted')
    await backOffice.audit.record({ actorId: null, action: 'role.change', subjectKind: 'member', subjectId: user.id, before: 'member', after: 'admin', reason: 'npm run make-admin' })
    const { browser } = await signedIn('reader', 'moderator')
    const html = await (await browser.get(`/admin/audit?kind=member&subject=${user.id}`)).text()
    expect(html).toContain('the command line')
    expect(html).toContain('member → admin')
  })

  test('rows cannot be changed or removed, whoever connects: UPDATE, DELETE and TRUNCATE fail', async () => {
    const subject = crypto.randomUUID()
    await backOffice.audit.record({ actorId: null, action: 'member.revokeSessions', subjectKind: 'member', subjectId: subject, reason: 'kept' })
    await expect(sql`update audit_log set reason = 'changed' where subject_id = ${subject}`.execute(accountsDb)).rejects.toThrow(/append-only/)
    await expect(sql`delete from audit_log where subject_id = ${subject}`.execute(accountsDb)).rejects.toThrow(/append-only/)
    await expect(sql`truncate audit_log`.execute(accountsDb)).rejects.toThrow(/append-only/)
    const rows = await sql<{ reason: string }>`select reason from audit_log where subject_id = ${subject}`.execute(accountsDb)
    expect(rows.rows).toEqual([{ reason: 'kept' }])
  })
})
