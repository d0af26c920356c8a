// A log that a flood cannot drown: at most `perSecond` lines go out each second, and the
// next line that does go out says how many were held back (a fuzzing client, a flapping
// link). Nothing is lost silently: the count is always reported.
export function rateLimitedLog(write: (line: string) => void, perSecond = 10, now: () => number = Date.now): (line: string) => void {
  let windowStart = 0
  let inWindow = 0
  let suppressed = 0
  return (line: string) => {
    const t = now()
    if (t - windowStart >= 1000) {
      windowStart = t
      inWindow = 0
    }
    if (inWindow >= perSecond) {
      suppressed++
      return
    }
    inWindow++
    write(suppressed > 0 ? `${line} (${suppressed} similar lines suppressed before this one)` : line)
    suppressed = 0
  }
}
