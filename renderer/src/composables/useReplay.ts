// Re-produces records to a topic (message:replay): the call, whether it runs, its result and error.
import { ref } from 'vue'
import type { ReplayRequest, ReplayResult } from '../../../preload/contract'
import { client } from '../api/client'
import { useSubmit } from './useSubmit'

export function useReplay() {
  const result = ref<ReplayResult | null>(null)
  const { busy, error, run } = useSubmit(async (request: ReplayRequest) => {
    result.value = null
    result.value = await client.call('message:replay', request)
  })
  return { busy, error, result, replay: run }
}
