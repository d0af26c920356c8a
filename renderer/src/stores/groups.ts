// Consumer groups as the coordinators report them, polled while the groups page is open, the
// selected group's lag history, and the group actions (offset resets with a dry run first,
// deletion). Views never call the contract themselves.
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { RequestOf, ResponseOf } from '../../../preload/contract'
import { client } from '../api/client'
import { errorMessage } from '../composables/useSubmit'
import { useClusterStore } from './cluster'
import { useConnectionStore } from './connection'

export type LagPoint = ResponseOf<'group:lagHistory'>[number]
export type ResetRequest = Omit<RequestOf<'group:resetOffsets'>, 'dryRun'>

export const useGroupsStore = defineStore('groups', () => {
  const connection = useConnectionStore()
  const cluster = useClusterStore()
  const groups = shallowRef<ResponseOf<'group:list'>>([])
  const loaded = ref(false)
  const error = ref<string | null>(null)
  const selectedId = ref<string | null>(null)
  const history = shallowRef<LagPoint[]>([])
  const selected = computed(() => groups.value.find((g) => g.groupId === selectedId.value) ?? null)
  let inFlight = false

  /** The list, and the selected group's lag history; a call while one runs is dropped (the poll comes again). */
  async function refresh(): Promise<void> {
    // A cluster without ListGroups says so once, on the page, not on every poll.
    if (!connection.connected || inFlight || cluster.unsupportedFor('group:list').length) return
    inFlight = true
    try {
      groups.value = await client.call('group:list', {})
      error.value = null
      const groupId = selectedId.value
      if (groupId) history.value = await client.call('group:lagHistory', { groupId })
    } catch (reason) {
      error.value = errorMessage(reason)
    } finally {
      inFlight = false
      loaded.value = true
    }
  }

  function select(groupId: string | null): void {
    if (groupId === selectedId.value) return
    selectedId.value = groupId
    history.value = []
    void refresh()
  }

  /** The offsets a reset would commit; refused by the server while the group has members. */
  function planReset(request: ResetRequest) {
    return client.call('group:resetOffsets', { ...request, dryRun: true })
  }

  async function applyReset(request: ResetRequest) {
    const plan = await client.call('group:resetOffsets', { ...request, dryRun: false })
    await refresh()
    return plan
  }

  /** OffsetDelete of one topic's offsets. */
  async function deleteOffsets(groupId: string, topic: string): Promise<void> {
    await client.call('group:deleteOffsets', { groupId, topic })
    await refresh()
  }

  async function remove(groupId: string): Promise<void> {
    await client.call('group:delete', { groupId })
    if (selectedId.value === groupId) select(null)
    await refresh()
  }

  return { groups, loaded, error, selectedId, selected, history, refresh, select, planReset, applyReset, deleteOffsets, remove }
})
