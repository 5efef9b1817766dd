/**
 * At most `permits` callers inside at once; the rest wait their turn, first come first served.
 * Per process: it bounds what one instance does at a time (memory, CPU), not the whole cluster.
 *
 * @example
 * const processing = new Semaphore(2)
 * const variants = await processing.run(() => renderVariants(image))
 */
export class Semaphore {
  private available: number
  private readonly waiting: (() => void)[] = []

  constructor(readonly permits: number) {
    if (!Number.isInteger(permits) || permits < 1) throw new Error(`a semaphore needs at least 1 permit (got ${permits})`)
    this.available = permits
  }

  /** Runs `work` once a permit is free, and frees it when `work` settles, whether it succeeds or throws. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    await this.acquire()
    try {
      return await work()
    } finally {
      this.release()
    }
  }

  /** Callers waiting for a permit right now. */
  get queued(): number {
    return this.waiting.length
  }

  private acquire(): Promise<void> {
    if (this.available > 0) {
      this.available--
      return Promise.resolve()
    }
    return new Promise((resolve) => this.waiting.push(resolve))
  }

  private release(): void {
    // Hand the permit straight to the next waiter, so a newcomer can never overtake the queue.
    const next = this.waiting.shift()
    if (next) next()
    else this.available++
  }
}
