// Live traffic for the overview: a point of per-second rates at every cluster snapshot (at
// most one a second), from the brokers' totals, for the last few minutes; and each topic's
// messages in per second from its end offsets, which every cluster has (the brokers' totals
// only the embedded one).
import { defineStore } from 'pinia'
import { computed, shallowRef, watch } from 'vue'
import { useClusterStore } from './cluster'
import { emptyBaseline, endOffsetPoint, nextTrafficPoint, type TrafficPoint } from './trafficRates'
import { emptyEndOffsets, topicRates } from './topicRates'

/** How much history the chart keeps. */
const WINDOW_MS = 5 * 60_000

export const useTrafficStore = defineStore('traffic', () => {
  const cluster = useClusterStore()
  const points = shallowRef<TrafficPoint[]>([])
  const latest = computed(() => points.value.at(-1) ?? null)
  const baseline = emptyBaseline()
  const endOffsets = emptyEndOffsets()
  /** Messages in per second by topic, over the last interval. */
  const byTopic = shallowRef(new Map<string, number>())

  watch(
    () => cluster.snapshot,
    (snapshot) => {
      const now = Date.now()
      const rates = snapshot && topicRates(endOffsets, snapshot.topics, now)
      if (rates) byTopic.value = rates
      const counted = snapshot?.brokers.some((b) => b.traffic)
      const point = counted ? nextTrafficPoint(baseline, snapshot!.brokers, now) : rates && endOffsetPoint(rates, now)
      if (!point) return
      const from = point.timestamp - WINDOW_MS
      points.value = [...points.value.filter((p) => p.timestamp >= from), point]
    },
    { immediate: true },
  )

  return { points, latest, byTopic }
})
