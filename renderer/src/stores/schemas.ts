// The connection's schema registry as the Schemas page shows it: subjects with their versions
// and compatibility levels, the versions a diff compares, and the registry's actions. Every
// call goes to main (schema:*), which talks to the registry over HTTP.
import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import type { CompatibilityCheck, CompatibilityLevel, EvolutionDemoResult, RequestOf, SchemaSubjects, SchemaVersion } from '../../../preload/contract'
import { client } from '../api/client'
import { errorMessage } from '../composables/useSubmit'

export const COMPATIBILITY_LEVELS: CompatibilityLevel[] = ['BACKWARD', 'BACKWARD_TRANSITIVE', 'FORWARD', 'FORWARD_TRANSITIVE', 'FULL', 'FULL_TRANSITIVE', 'NONE']

export const useSchemasStore = defineStore('schemas', () => {
  const registry = shallowRef<SchemaSubjects | null>(null)
  const error = ref<string | null>(null)
  const loading = ref(false)
  /** Versions read so far, by "subject@version" (a version never changes). */
  const versions = shallowRef(new Map<string, SchemaVersion>())

  async function load(): Promise<void> {
    loading.value = true
    try {
      registry.value = await client.call('schema:subjects', {})
      error.value = null
    } catch (reason) {
      error.value = errorMessage(reason)
    } finally {
      loading.value = false
    }
  }

  async function version(subject: string, v: number): Promise<SchemaVersion> {
    const key = `${subject}@${v}`
    const known = versions.value.get(key)
    if (known) return known
    const read = await client.call('schema:version', { subject, version: v })
    versions.value = new Map(versions.value).set(key, read)
    return read
  }

  const check = (request: RequestOf<'schema:check'>): Promise<CompatibilityCheck> => client.call('schema:check', request)

  async function register(request: RequestOf<'schema:register'>): Promise<{ id: number; version: number | null }> {
    const registered = await client.call('schema:register', request)
    await load()
    return registered
  }

  async function setLevel(subject: string, level: CompatibilityLevel | null): Promise<void> {
    await client.call('schema:setLevel', { subject, level })
    await load()
  }

  async function remove(subject: string, permanent: boolean, v?: number): Promise<number[]> {
    const deleted = await client.call('schema:delete', { subject, permanent, ...(v !== undefined && { version: v }) })
    versions.value = new Map([...versions.value].filter(([key]) => !key.startsWith(`${subject}@`)))
    await load()
    return deleted
  }

  const evolution = shallowRef<EvolutionDemoResult | null>(null)
  async function runEvolution(request: RequestOf<'schema:evolutionDemo'>): Promise<void> {
    evolution.value = await client.call('schema:evolutionDemo', request)
    await load()
  }

  return { registry, error, loading, load, version, check, register, setLevel, remove, evolution, runEvolution }
})
