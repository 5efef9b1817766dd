import { describe, expect, test } from 'bun:test'
import { tracingChannel } from 'node:diagnostics_channel'
import '@/infra/store/redis'

describe('tracing channels under Bun', () => {
  // ioredis traces every command unless `hasSubscribers` is false: undefined counted as "someone listens".
  test('say whether anyone listens, so ioredis traces its commands only for a subscriber', () => {
    const commands = tracingChannel('ioredis:command')
    expect(commands.hasSubscribers).toBe(false)
    const handlers = { start: () => {} }
    commands.subscribe(handlers)
    expect(commands.hasSubscribers).toBe(true)
    commands.unsubscribe(handlers)
    expect(commands.hasSubscribers).toBe(false)
  })
})
