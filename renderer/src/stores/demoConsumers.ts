// The demo consumer runs main keeps (members, states, processed / twice / never counters),
// polled while the groups page is open, and their actions: start a run, kill or restart a
// member, stop a run (whose final counters stay shown). Views never call the contract.
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { RequestOf, RunStats } from '../../../preload/contract'
import { client } from '../api/client'
import { useCallTracker } from '../composables/useCallTracker'
import { usePolledCall } from '../composables/usePolledCall'

export type StartConsumersRequest = RequestOf<'demo:startConsumers'>

/** The key a member's pending action and error are kept under. */
export const memberKey = (runId: string, member: number) => `${runId}/${member}`

export const useDemoConsumersStore = defineStore('demoConsumers', () => {
  const { value: runs, loaded, error, refresh } = usePolledCall(() => client.call('demo:consumerRuns', {}), [] as RunStats[])
  /** runId or runId/member -> the action running, and the last one's error. */
  const actions = useCallTracker<string>()
  const lastStopped = ref<RunStats | null>(null)

  async function start(request: StartConsumersRequest): Promise<RunStats> {
    const run = await client.call('demo:startConsumers', request)
    runs.value = [...runs.value, run]
    return run
  }

  /** Replaces the run's row with the answer of an action on it. */
  function update(run: RunStats): void {
    runs.value = runs.value.map((r) => (r.runId === run.runId ? run : r))
  }

  function kill(runId: string, member: number) {
    return actions.run(memberKey(runId, member), 'kill', async () => update(await client.call('demo:killMember', { runId, member })))
  }

  function restart(runId: string, member: number) {
    return actions.run(memberKey(runId, member), 'restart', async () => update(await client.call('demo:restartMember', { runId, member })))
  }

  function stop(runId: string) {
    return actions.run(runId, 'stop', async () => {
      lastStopped.value = await client.call('demo:stopConsumers', { runId })
      runs.value = runs.value.filter((r) => r.runId !== runId)
    })
  }

  return { runs, loaded, error, actions, lastStopped, refresh, start, kill, restart, stop }
})
