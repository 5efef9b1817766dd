import { describe, expect, test } from 'bun:test'
import { Semaphore } from '@/shared/semaphore'

describe('semaphore', () => {
  test('never lets more than its permits in at once, and serves the rest in order', async () => {
    const semaphore = new Semaphore(2)
    let inside = 0
    let most = 0
    const order: number[] = []
    await Promise.all(
      [1, 2, 3, 4, 5].map((n) =>
        semaphore.run(async () => {
          inside++
          most = Math.max(most, inside)
          order.push(n)
          await Bun.sleep(5)
          inside--
        }),
      ),
    )
    expect(most).toBe(2)
    expect(order).toEqual([1, 2, 3, 4, 5])
  })

  test('a failing task frees its permit', async () => {
    const semaphore = new Semaphore(1)
    await expect(semaphore.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom')
    expect(await semaphore.run(async () => 'next')).toBe('next')
  })
})
