// Kafka's Throttler for log.cleaner.io.max.bytes.per.second: the cleaner reports the bytes
// it reads and writes, and when their rate over the last check interval is above the limit
// it waits long enough to bring it back down. Here the wait is a timer, so the broker's
// thread keeps serving while the cleaner is held back.

/** Kafka's cleaner checks its rate every 300 ms. */
const CHECK_INTERVAL_MS = 300

export class Throttler {
  private periodStart: number
  private observedSoFar = 0
  /** Total time spent throttled, for the cleaner's statistics. */
  throttledMs = 0

  constructor(
    public desiredRatePerSec: number,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {
    this.periodStart = now()
  }

  async maybeThrottle(observed: number): Promise<void> {
    if (!Number.isFinite(this.desiredRatePerSec) || this.desiredRatePerSec >= Number.MAX_VALUE) return
    this.observedSoFar += observed
    const elapsedMs = this.now() - this.periodStart
    if (elapsedMs < CHECK_INTERVAL_MS) return
    const rateInSecs = (this.observedSoFar * 1000) / elapsedMs
    if (rateInSecs > this.desiredRatePerSec) {
      // How long the bytes seen so far should have taken at the desired rate, less what they took.
      const sleepMs = Math.round((this.observedSoFar * 1000) / this.desiredRatePerSec - elapsedMs)
      if (sleepMs > 0) {
        await this.sleep(sleepMs)
        this.throttledMs += sleepMs
      }
    }
    this.periodStart = this.now()
    this.observedSoFar = 0
  }
}
