import { describe, expect, test } from 'bun:test'
import { ConfigError, loadConfig } from '@/config'

describe('configuration', () => {
  test('no env at all means the embedded defaults', () => {
    const config = loadConfig({})
    expect(config.port).toBe(3000)
    expect(config.publicUrl.origin).toBe('http://localhost:3000')
    expect(config.databaseUrls).toBeNull()
    expect(config.redisUrl).toBeNull()
    expect(config.s3).toBeNull()
    expect(config.redisKeyPrefix).toBe('nl:')
  })

  test('DATABASE_URL serves every domain unless a domain names its own', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/main',
      FINDER_DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/finder',
    })
    expect(config.databaseUrls?.accounts).toContain('/main')
    expect(config.databaseUrls?.finder).toContain('/finder')
  })

  test.each([
    [{ PORT: 'abc' }, 'PORT must be a whole number from 1 to 65535 (got "abc")'],
    [{ PORT: '70000' }, 'PORT must be a whole number'],
    [{ PUBLIC_URL: 'not a url' }, 'PUBLIC_URL must be an absolute URL'],
    [{ TRUST_PROXY: 'maybe' }, 'TRUST_PROXY must be one of'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be one of'],
    [{ FINDER_DATABASE_URL: 'postgres://x@127.0.0.1/f' }, 'ACCOUNTS_DATABASE_URL must be set'],
    [{ VAPID_PUBLIC_KEY: 'abc' }, 'VAPID_PRIVATE_KEY must be set'],
    [{ PUSH_SERVICE_HOSTS: 'https://fcm.googleapis.com' }, 'PUSH_SERVICE_HOSTS must be a comma-separated list of host names'],
    [{ PUSH_SERVICE_HOSTS: '*' }, 'PUSH_SERVICE_HOSTS must be a comma-separated list of host names'],
    [{ PUSH_CONCURRENCY: '0' }, 'PUSH_CONCURRENCY must be a whole number'],
    [{ SMTP_URL: 'https://mail.example.org' }, 'SMTP_URL must start with smtp:// or smtps://'],
    [{ WEB_PROCESSES: '2' }, 'WEB_PROCESSES above 1 needs DATABASE_URL and REDIS_URL'],
    [{ WEB_PROCESSES: '2', DATABASE_URL: 'postgres://x@127.0.0.1/m' }, 'WEB_PROCESSES above 1 needs DATABASE_URL and REDIS_URL'],
  ])('a bad value stops start-up with one line naming the variable: %p', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError)
    expect(() => loadConfig(env)).toThrow(message)
  })

  test('mail goes to files unless SMTP_URL is set, from the site by default', () => {
    expect(loadConfig({}).smtpUrl).toBeNull()
    expect(loadConfig({ PUBLIC_URL: 'https://ninelives.example' }).mailFrom).toBe('Nine Lives <no-reply@ninelives.example>')
    expect(loadConfig({ SMTP_URL: 'smtps://u:p@smtp.example.org:465' }).smtpUrl).toBe('smtps://u:p@smtp.example.org:465')
  })

  test('an https PUBLIC_URL is what makes cookies Secure', () => {
    expect(loadConfig({ PUBLIC_URL: 'https://ninelives.example' }).publicUrl.protocol).toBe('https:')
  })
})
