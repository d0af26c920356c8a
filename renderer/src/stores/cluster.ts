// The latest cluster snapshot and the event timeline. Pushed events say that something
// changed; the snapshot says what the cluster looks like now, so an event triggers a
// (debounced) refetch, and a slow poll catches what events do not announce (bytes, lag).
import { defineStore } from 'pinia'
import { computed, ref, shallowRef, watch } from 'vue'
import type { AppInfo, ClusterSnapshot, ContractEvent, MethodName, MissingApi } from '../../../preload/contract'
import { client } from '../api/client'
import { clusterStats, topicRows } from './clusterStats'
import { useConnectionStore } from './connection'

const EVENT_DEBOUNCE_MS = 100
const POLL_MS = 2000
/** Enough that __consumer_offsets churn under busy groups does not push the rest out. */
const TIMELINE_LENGTH = 5000

export interface TimelineEntry {
  /** A key for lists: arrival order. */
  seq: number
  event: ContractEvent
}

export const useClusterStore = defineStore('cluster', () => {
  const connection = useConnectionStore()
  const snapshot = shallowRef<ClusterSnapshot | null>(null)
  const info = shallowRef<AppInfo | null>(null)
  const error = ref<string | null>(null)
  const timeline = shallowRef<TimelineEntry[]>([])
  /** Each broker's log size when it last answered: a stopped or crashed broker reports none, but its logs are still on disk. */
  const lastKnownBytes = shallowRef(new Map<number, { bytes: number; at: number }>())
  const topics = computed(() => (snapshot.value ? topicRows(snapshot.value) : []))
  const stats = computed(() => clusterStats(topics.value))

  let seq = 0
  let inFlight: Promise<void> | null = null
  let again = false
  let debounce: ReturnType<typeof setTimeout> | undefined
  let poll: ReturnType<typeof setInterval> | undefined
  let stopWatching: (() => void) | null = null
  let unsubscribe: (() => void) | null = null

  /** Fetches the snapshot; a request made while one is in flight runs once more after it. */
  async function refresh(): Promise<void> {
    if (!connection.connected) return
    if (inFlight) {
      again = true
      return inFlight
    }
    inFlight = client
      .call('cluster:snapshot', {})
      .then((next) => {
        snapshot.value = next
        error.value = null
        // app:info failed (a slow answer, a cluster not yet reachable): ask again once this one answered.
        if (!info.value) void loadInfo()
        const known = new Map(lastKnownBytes.value)
        for (const b of next.brokers) if (b.status === 'running') known.set(b.id, { bytes: b.bytes, at: Date.now() })
        lastKnownBytes.value = known
      })
      .catch((err: Error) => {
        error.value = err.message
      })
      .finally(() => {
        inFlight = null
        if (again) {
          again = false
          void refresh()
        }
      })
    return inFlight
  }

  function record(event: ContractEvent): void {
    // A new array, not a push: components take it as a prop and only see a new identity.
    timeline.value = [...timeline.value.slice(1 - TIMELINE_LENGTH), { seq: seq++, event }]
    clearTimeout(debounce)
    debounce = setTimeout(refresh, EVENT_DEBOUNCE_MS)
  }

  async function loadInfo(): Promise<void> {
    info.value = await client.call('app:info', {}).catch(() => info.value)
  }

  /** On (re)connect the timeline starts from what the host kept, not from an empty page. */
  async function loadRecentEvents(): Promise<void> {
    const recent = await client.call('events:recent', { limit: TIMELINE_LENGTH }).catch(() => null)
    if (recent) timeline.value = recent.map((event) => ({ seq: seq++, event }))
  }

  /** Starts following the cluster: on every (re)connect, then on events and on the poll. */
  function start(): void {
    if (stopWatching) return
    unsubscribe = client.onEvent(record)
    stopWatching = watch(
      () => connection.connected,
      (connected) => {
        if (!connected) return
        void refresh()
        void loadInfo()
        void loadRecentEvents()
      },
      { immediate: true },
    )
    poll = setInterval(refresh, POLL_MS)
  }

  function stop(): void {
    stopWatching?.()
    unsubscribe?.()
    stopWatching = unsubscribe = null
    clearTimeout(debounce)
    clearInterval(poll)
  }

  /** The APIs this cluster lacks that a contract method needs (app:info's list): a page that calls it says so instead. */
  function unsupportedFor(method: MethodName): MissingApi[] {
    return info.value?.unsupported.filter((u) => u.methods.includes(method)) ?? []
  }

  return { snapshot, info, error, timeline, lastKnownBytes, topics, stats, refresh, start, stop, unsupportedFor }
})
