import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { client, type ConnectionState } from '../api/client'

/** The state of the line to main: always open over IPC, live over the WebSocket. */
export const useConnectionStore = defineStore('connection', () => {
  const state = ref<ConnectionState>(client.state)
  // The store lives as long as the app, so the subscription does too.
  client.onStateChange((next) => (state.value = next))
  const connected = computed(() => state.value === 'open')
  return { state, connected }
})
