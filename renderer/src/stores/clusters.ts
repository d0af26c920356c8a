// The clusters this console can look at: the embedded one ("local") and the saved
// connections, with whether each is open and reachable; the one this window looks at; and
// adding, testing and deleting saved connections.
import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import type { ConnectionProfile, ConnectionSettings, ConnectionStatus, ConnectionTestResult } from '../../../preload/contract'
import { chooseConnection, chosenConnection, client } from '../api/client'

const STATUS_POLL_MS = 5000

export const useClustersStore = defineStore('clusters', () => {
  const current = chosenConnection()
  const statuses = shallowRef<ConnectionStatus[]>([])
  const profiles = shallowRef<ConnectionProfile[]>([])
  const error = ref<string | null>(null)
  let poll: ReturnType<typeof setInterval> | undefined
  /** How many components follow the statuses: the header's picker, the Connections page. */
  let followers = 0

  async function refresh(): Promise<void> {
    try {
      statuses.value = await client.call('connection:status', {})
      profiles.value = await client.call('connection:list', {}).catch(() => [])
      error.value = null
    } catch (err) {
      error.value = (err as Error).message
    }
  }

  /** Polls the statuses while anyone follows them; returns the unfollow function. */
  function follow(): () => void {
    followers++
    void refresh()
    poll ??= setInterval(refresh, STATUS_POLL_MS)
    let followed = true
    return () => {
      if (!followed) return
      followed = false
      if (--followers > 0) return
      clearInterval(poll)
      poll = undefined
    }
  }

  /** "Test connection": ApiVersions then Metadata, naming what failed. */
  function test(settings: ConnectionSettings): Promise<ConnectionTestResult> {
    return client.call('connection:test', settings)
  }

  async function save(name: string, settings: ConnectionSettings): Promise<void> {
    await client.call('connection:save', { name, settings })
    await refresh()
  }

  async function remove(name: string): Promise<void> {
    await client.call('connection:delete', { name })
    if (name === current) chooseConnection('local')
    else await refresh()
  }

  return { current, statuses, profiles, error, refresh, follow, test, save, remove, choose: chooseConnection }
})
