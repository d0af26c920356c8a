// Experiments (issue 19): the ready-made specs, the spec being edited and its validation,
// the saved runs, the run open on the page (polled while it runs), and exports.
import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import type { ExperimentRun, ExperimentRunSummary, ReadyMadeExperiment, SpecCheck } from '../../../preload/contract'
import { client } from '../api/client'
import { download } from '../components/messages/download'
import { errorMessage } from '../composables/useSubmit'

const POLL_MS = 1000

export const useExperimentsStore = defineStore('experiments', () => {
  const readyMade = shallowRef<ReadyMadeExperiment[]>([])
  const runs = shallowRef<ExperimentRunSummary[]>([])
  const specText = ref('')
  const check = shallowRef<SpecCheck | null>(null)
  const current = shallowRef<ExperimentRun | null>(null)
  const error = ref<string | null>(null)
  const busy = ref(false)
  let timer: ReturnType<typeof setTimeout> | null = null

  async function load(): Promise<void> {
    try {
      ;[readyMade.value, runs.value] = await Promise.all([client.call('experiment:readyMade', {}), client.call('experiment:list', {})])
      if (!specText.value && readyMade.value[0]) specText.value = readyMade.value[0].spec
      // Back on the page while a run goes on: follow it again.
      if (current.value?.status === 'running') await open(current.value.id)
    } catch (reason) {
      error.value = errorMessage(reason)
    }
  }

  function openReadyMade(file: string): void {
    const found = readyMade.value.find((r) => r.file === file)
    if (found) {
      specText.value = found.spec
      check.value = null
    }
  }

  async function validate(): Promise<SpecCheck> {
    check.value = await client.call('experiment:validate', { spec: specText.value })
    return check.value
  }

  async function start(): Promise<void> {
    error.value = null
    busy.value = true
    try {
      if (!(await validate()).ok) return
      const summary = await client.call('experiment:start', { spec: specText.value })
      runs.value = [summary, ...runs.value]
      await open(summary.id)
    } catch (reason) {
      error.value = errorMessage(reason)
    } finally {
      busy.value = false
    }
  }

  /** Opens a run; while it runs, it is read again every second. */
  async function open(id: string): Promise<void> {
    stopPolling()
    try {
      current.value = await client.call('experiment:get', { id })
      if (current.value.status === 'running') timer = setTimeout(() => void open(id), POLL_MS)
      else runs.value = await client.call('experiment:list', {})
    } catch (reason) {
      error.value = errorMessage(reason)
    }
  }

  function stopPolling(): void {
    if (timer) clearTimeout(timer)
    timer = null
  }

  async function remove(id: string): Promise<void> {
    await client.call('experiment:delete', { id })
    if (current.value?.id === id) current.value = null
    runs.value = runs.value.filter((r) => r.id !== id)
  }

  async function exportRun(format: 'json' | 'markdown'): Promise<void> {
    if (!current.value) return
    const out = await client.call('experiment:export', { id: current.value.id, format })
    download(out.content, out.fileName, format === 'json' ? 'application/json' : 'text/markdown')
  }

  return { readyMade, runs, specText, check, current, error, busy, load, openReadyMade, validate, start, open, stopPolling, remove, exportRun }
})
