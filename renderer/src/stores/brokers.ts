// The Brokers page: broker lifecycle actions (with their pending state and errors), the
// selected broker's configs, and the link faults in force. The snapshot itself stays in
// useClusterStore: after an action the page simply follows it.
import { defineStore } from 'pinia'
import { computed, ref, shallowRef, watch } from 'vue'
import type { BrokerSnapshot, BrokerStatus, DescribedConfig, FaultImpact, LinkFault } from '../../../preload/contract'
import { client } from '../api/client'
import { useCallTracker } from '../composables/useCallTracker'
import { useClusterStore } from './cluster'

export interface BrokerAction {
  name: 'stop' | 'crash' | 'pause' | 'resume' | 'restart'
  label: string
  /** Shown on the button while the call runs. */
  pendingLabel: string
  method: 'broker:stop' | 'broker:crash' | 'broker:pause' | 'broker:resume' | 'broker:restart'
  /** The states in which the cluster accepts it. */
  enabledIn: readonly BrokerStatus[]
  hint: string
  danger?: boolean
}

export const BROKER_ACTIONS: readonly BrokerAction[] = [
  { name: 'stop', label: 'Stop', pendingLabel: 'Stopping…', method: 'broker:stop', enabledIn: ['running'], hint: 'Controlled shutdown: leadership moves away first' },
  { name: 'crash', label: 'Crash', pendingLabel: 'Crashing…', method: 'broker:crash', enabledIn: ['running', 'paused'], hint: 'Kill the broker without a shutdown', danger: true },
  { name: 'pause', label: 'Pause', pendingLabel: 'Pausing…', method: 'broker:pause', enabledIn: ['running'], hint: 'Freeze the broker, as a long GC pause' },
  { name: 'resume', label: 'Resume', pendingLabel: 'Resuming…', method: 'broker:resume', enabledIn: ['paused'], hint: 'Unfreeze a paused broker' },
  { name: 'restart', label: 'Restart', pendingLabel: 'Starting…', method: 'broker:restart', enabledIn: ['stopped', 'crashed', 'died'], hint: 'Start the broker again on its data' },
]

/**
 * host:port per broker id from app:info's bootstrap servers, which list the running brokers'
 * listeners in id order: only when every broker is in the list can the two be paired.
 */
export function brokerAddresses(brokers: readonly BrokerSnapshot[]): Map<number, string> {
  return new Map(brokers.flatMap((b) => (b.listener ? [[b.id, b.listener] as [number, string]] : [])))
}

export const useBrokersStore = defineStore('brokers', () => {
  const cluster = useClusterStore()
  const actions = useCallTracker<number>()
  const addresses = computed(() => brokerAddresses(cluster.snapshot?.brokers ?? []))

  /** A stop or crash that would leave partitions offline or below min.insync.replicas, waiting for the operator's word. */
  const confirming = shallowRef<{ brokerId: number; action: BrokerAction; impact: FaultImpact[] } | null>(null)

  /**
   * Runs an action. Stop and crash first ask what they would do to the partitions this broker
   * is in sync for; when any would go offline or below min.insync.replicas, the action waits
   * for a confirmation that names them.
   */
  async function runAction(brokerId: number, action: BrokerAction, confirmed = false): Promise<void> {
    confirming.value = null
    if (!confirmed && (action.name === 'stop' || action.name === 'crash')) {
      let impact: FaultImpact[] = []
      const asked = await actions.run(brokerId, action.name, async () => (impact = await client.call('broker:impact', { brokerId })))
      if (!asked) return
      if (impact.length) {
        confirming.value = { brokerId, action, impact }
        return
      }
    }
    if (await actions.run(brokerId, action.name, () => client.call(action.method, { brokerId }))) void cluster.refresh()
  }

  const selectedId = ref<number | null>(null)
  const configs = shallowRef<DescribedConfig[]>([])
  const configCalls = useCallTracker<'configs'>()
  let latest = 0

  /** Selects a broker and reads its configs; an answer for an earlier selection is dropped. */
  async function loadConfigs(brokerId: number): Promise<void> {
    if (selectedId.value !== brokerId) configs.value = []
    selectedId.value = brokerId
    const request = ++latest
    await configCalls.run('configs', 'load', async () => {
      const described = await client.call('config:describeBroker', { brokerId })
      if (request === latest) configs.value = described
    })
  }

  return {
    addresses,
    pendingActions: actions.pending,
    actionErrors: actions.errors,
    runAction,
    confirming,
    cancelAction: () => (confirming.value = null),
    selectedId,
    configs,
    configsLoading: computed(() => configCalls.pending.has('configs')),
    configsError: computed(() => configCalls.errors.get('configs') ?? null),
    loadConfigs,
  }
})

export type LinkPeer = number | 'controller'
export type ActiveFault = Exclude<LinkFault, { mode: 'ok' }>

export interface LinkFaultEntry {
  /** "1-3" (lower id first) or "2-controller" */
  key: string
  a: number
  b: LinkPeer
  fault: ActiveFault
}

/** A link is the same both ways: broker pairs are keyed lower id first. */
export function linkEnds(a: number, b: LinkPeer): { key: string; a: number; b: LinkPeer } {
  if (b === 'controller') return { key: `${a}-controller`, a, b }
  const [low, high] = a < b ? [a, b] : [b, a]
  return { key: `${low}-${high}`, a: low, b: high }
}

/** The link faults in force: from this console's own calls and the cluster's link-fault events. */
export const useLinkFaultsStore = defineStore('linkFaults', () => {
  const cluster = useClusterStore()
  const calls = useCallTracker<string>()
  const byLink = shallowRef(new Map<string, LinkFaultEntry>())
  let lastSeq = -1

  function note(a: number, b: LinkPeer, fault: LinkFault): void {
    const ends = linkEnds(a, b)
    const next = new Map(byLink.value)
    if (fault.mode === 'ok') next.delete(ends.key)
    else next.set(ends.key, { ...ends, fault })
    byLink.value = next
  }

  watch(
    () => cluster.timeline,
    (entries) => {
      for (const { seq, event } of entries) {
        if (seq > lastSeq && event.source === 'cluster' && event.type === 'link-fault') note(event.a, event.b, event.fault)
      }
      lastSeq = entries.at(-1)?.seq ?? lastSeq
    },
    { immediate: true },
  )

  /** Sets (or with mode 'ok', heals) one link; `key` names the control whose pending state and error it is. */
  async function setFault(a: number, b: LinkPeer, fault: LinkFault, key = 'apply'): Promise<void> {
    if (await calls.run(key, fault.mode, () => client.call('link:setFault', { a, b, fault }))) note(a, b, fault)
  }

  async function healAll(): Promise<void> {
    if (await calls.run('heal-all', 'heal', () => client.call('link:healAll', {}))) byLink.value = new Map()
  }

  return {
    faults: computed(() => [...byLink.value.values()].sort((x, y) => x.key.localeCompare(y.key, undefined, { numeric: true }))),
    pending: calls.pending,
    errors: calls.errors,
    setFault,
    healAll,
  }
})
