// The Configuration page: the configs of one scope (cluster-wide defaults, a broker, a topic),
// the operator's pending changes, their validation by the cluster (IncrementalAlterConfigs
// with validateOnly, debounced while typing) and applying them all in one config:alter.
import { defineStore } from 'pinia'
import { computed, ref, shallowRef, watch } from 'vue'
import type { DescribedConfig } from '../../../preload/contract'
import { client } from '../api/client'
import { toCallError } from '../api/errors'
import { useActionCall } from '../composables/useActionCall'
import { useClusterStore } from './cluster'
import { alterTarget, clusterDefaultView, configsNamedIn, inheritedValue, scopeKey, scopeLabel, typeError, type ConfigScope } from './configScope'
import { useTopicsStore } from './topics'

/** How long typing pauses before the cluster checks the pending changes. */
export const VALIDATE_DEBOUNCE_MS = 350

/** One row of the pending diff: a new value, or the override's removal (null). */
export interface PendingChange {
  name: string
  /** The value in force now, as shown. */
  from: string
  /** The new value as shown (hidden for a sensitive config); null for a removal. */
  to: string | null
  /** For a removal: what the config inherits then. */
  inherits?: string
}

export const useConfigurationStore = defineStore('configuration', () => {
  const cluster = useClusterStore()
  const topics = useTopicsStore()
  const scope = ref<ConfigScope>({ kind: 'cluster' })
  const configs = shallowRef<DescribedConfig[]>([])
  const loader = useActionCall()
  const applier = useActionCall()
  /** name -> new value, or null to delete the override at this level. */
  const pending = shallowRef(new Map<string, string | null>())
  /** Kafka's refusals of the last validation, by config name. */
  const refused = shallowRef(new Map<string, string>())
  /** A refusal that names none of the pending configs. */
  const refusedOverall = ref<string | null>(null)
  const validating = ref(false)
  /** The pending changes (as JSON) the cluster last accepted with validateOnly. */
  const validatedFor = ref<string | null>(null)
  const applied = ref<string | null>(null)
  /** The last apply changed a retention config: the page says when retention next runs. */
  const retentionChanged = ref(false)
  let loads = 0
  let validations = 0
  let timer: ReturnType<typeof setTimeout> | undefined

  const byName = computed(() => new Map(configs.value.map((c) => [c.name, c])))
  const request = computed(() => Object.fromEntries(pending.value))
  const requestKey = computed(() => JSON.stringify([scopeKey(scope.value), request.value]))

  /** Type errors found here, before the cluster is asked. */
  const typeErrors = computed(() => {
    const errors = new Map<string, string>()
    for (const [name, value] of pending.value) {
      const config = byName.value.get(name)
      const error = value === null || !config ? null : typeError(config, value)
      if (error) errors.set(name, error)
    }
    return errors
  })
  const errors = computed(() => new Map([...refused.value, ...typeErrors.value]))

  const changes = computed<PendingChange[]>(() =>
    [...pending.value].map(([name, to]) => {
      const config = byName.value.get(name)
      if (!config) return { name, from: '(unknown)', to }
      const from = config.sensitive ? '(sensitive)' : (config.value ?? '(unset)')
      if (to === null) return { name, from, to, inherits: inheritedValue(config, scope.value) }
      // A password typed here is not echoed back in the diff.
      return { name, from, to: config.sensitive ? '(new value, hidden)' : to }
    }),
  )
  const canApply = computed(
    () => pending.value.size > 0 && !validating.value && !applier.pending.value && errors.value.size === 0 && !refusedOverall.value && validatedFor.value === requestKey.value,
  )

  async function load(): Promise<void> {
    const target = scope.value
    const ticket = ++loads
    await loader.run(async () => {
      const described = await describe(target)
      if (ticket === loads) configs.value = described
    })
  }

  async function describe(target: ConfigScope): Promise<DescribedConfig[]> {
    if (target.kind === 'topic') return topics.describe(target.name)
    if (target.kind === 'broker') return client.call('config:describeBroker', { brokerId: target.id })
    // The default resource lists only what is set there; one broker's configs fill in the rest
    // (before the first snapshot there is none: the watch below loads again once there is).
    const brokerId = cluster.snapshot?.brokers[0]?.id
    if (brokerId === undefined) return []
    const [broker, setAtCluster] = await Promise.all([client.call('config:describeBroker', { brokerId }), client.call('config:describeBroker', { brokerId: '' })])
    return clusterDefaultView(broker, setAtCluster)
  }

  function clearChecks(): void {
    clearTimeout(timer)
    validations++
    refused.value = new Map()
    refusedOverall.value = null
    validating.value = false
    validatedFor.value = null
  }

  /** Another scope: its configs, and no pending changes carried over from the last one. */
  async function select(next: ConfigScope): Promise<void> {
    if (scopeKey(next) === scopeKey(scope.value) && configs.value.length) return
    scope.value = next
    configs.value = []
    pending.value = new Map()
    applied.value = null
    clearChecks()
    await load()
  }

  function update(change: (next: Map<string, string | null>) => void): void {
    const next = new Map(pending.value)
    change(next)
    pending.value = next
    applied.value = null
    scheduleValidation()
  }

  /** The operator typed `value`; typing the value in force again drops the change. */
  function edit(name: string, value: string): void {
    const config = byName.value.get(name)
    update((next) => (config && !config.sensitive && config.value === value ? next.delete(name) : next.set(name, value)))
  }

  /** Queue the removal of the override at this level (IncrementalAlterConfigs DELETE). */
  const revert = (name: string) => update((next) => next.set(name, null))
  const drop = (name: string) => update((next) => next.delete(name))

  function discard(): void {
    pending.value = new Map()
    clearChecks()
  }

  function scheduleValidation(): void {
    clearChecks()
    if (!pending.value.size) return
    validating.value = true
    timer = setTimeout(() => void validate(), VALIDATE_DEBOUNCE_MS)
  }

  /** Asks the cluster to check the pending changes without applying them; true when it accepts them all. */
  async function validate(): Promise<boolean> {
    clearTimeout(timer)
    const ticket = ++validations
    const key = requestKey.value
    if (!pending.value.size || typeErrors.value.size) {
      validating.value = false
      return false
    }
    validating.value = true
    try {
      await client.call('config:alter', { ...alterTarget(scope.value), configs: request.value, validateOnly: true })
      if (ticket !== validations) return false
      refused.value = new Map()
      refusedOverall.value = null
      validatedFor.value = key
      return true
    } catch (reason) {
      if (ticket !== validations) return false
      const message = toCallError(reason).message
      const named = configsNamedIn(message, [...pending.value.keys()])
      refused.value = new Map(named.map((name) => [name, message]))
      refusedOverall.value = named.length ? null : message
      return false
    } finally {
      if (ticket === validations) validating.value = false
    }
  }

  /** Validates once more, then applies every pending change in one call and reads the configs again. */
  async function apply(): Promise<void> {
    if (!(await validate())) return
    const count = pending.value.size
    const names = [...pending.value.keys()]
    const target = scope.value
    const done = await applier.run(() => client.call('config:alter', { ...alterTarget(target), configs: request.value }))
    if (!done || scopeKey(target) !== scopeKey(scope.value)) return
    // Read the configs again before the edits go: an input never shows its old value in between.
    await load()
    pending.value = new Map()
    clearChecks()
    applied.value = `Applied ${count} ${count === 1 ? 'change' : 'changes'} to the ${scopeLabel(target)}.`
    retentionChanged.value = names.some((name) => name.includes('retention'))
  }

  // The cluster-wide view needs a broker: read it once the first snapshot names one.
  watch(
    () => cluster.snapshot?.brokers[0]?.id,
    (id) => {
      if (id !== undefined && scope.value.kind === 'cluster' && !configs.value.length && !loader.pending.value) void load()
    },
  )

  return {
    scope,
    configs,
    loading: loader.pending,
    loadError: loader.error,
    pending,
    changes,
    errors,
    refusedOverall,
    validating,
    canApply,
    applying: applier.pending,
    applyError: applier.error,
    applied,
    retentionChanged,
    select,
    load,
    edit,
    revert,
    drop,
    discard,
    apply,
  }
})
