// Live traffic for the overview: a point of per-second rates at every cluster snapshot (at
// most one a second), from the brokers' totals, for the last few minutes.
import { defineStore } from 'pinia'
import { computed, shallowRef, watch } from 'vue'
import { useClusterStore } from './cluster'
import { emptyBaseline, nextTrafficPoint, type TrafficPoint } from './trafficRates'

/** How much history the chart keeps. */
const WINDOW_MS = 5 * 60_000

export const useTrafficStore = defineStore('traffic', () => {
  const cluster = useClusterStore()
  const points = shallowRef<TrafficPoint[]>([])
  const latest = computed(() => points.value.at(-1) ?? null)
  const baseline = emptyBaseline()

  watch(
    () => cluster.snapshot,
    (snapshot) => {
      const point = snapshot && nextTrafficPoint(baseline, snapshot.brokers, Date.now())
      if (!point) return
      const from = point.timestamp - WINDOW_MS
      points.value = [...points.value.filter((p) => p.timestamp >= from), point]
    },
    { immediate: true },
  )

  return { points, latest }
})
