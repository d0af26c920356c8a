import { onMounted, onUnmounted, watch, type WatchSource } from 'vue'

/**
 * Runs `fn` at once and then every `ms` while the calling component is mounted and, when
 * given, while `active` is true (a live tail's toggle).
 */
export function usePoll(fn: () => unknown, ms: number, active: WatchSource<boolean> = () => true): void {
  let timer: ReturnType<typeof setInterval> | undefined
  let unwatch: (() => void) | undefined
  const stop = () => {
    clearInterval(timer)
    timer = undefined
  }
  const start = () => {
    stop()
    void fn()
    timer = setInterval(() => void fn(), ms)
  }
  onMounted(() => {
    unwatch = watch(active, (on) => (on ? start() : stop()), { immediate: true })
  })
  onUnmounted(() => {
    unwatch?.()
    stop()
  })
}
