import { computed, ref, type Ref } from 'vue'

type SortValue = string | number

/** A table's rows sorted by a chosen column; choosing it again flips the direction. */
export function useSort<T, K extends string>(rows: () => T[], columns: Record<K, (row: T) => SortValue>, initial: NoInfer<K>) {
  const key = ref(initial) as Ref<K>
  const direction = ref<1 | -1>(1)
  const sorted = computed(() => {
    const value = columns[key.value]
    return [...rows()].sort((a, b) => {
      const [x, y] = [value(a), value(b)]
      const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y))
      return order * direction.value
    })
  })
  function sortBy(next: K): void {
    direction.value = key.value === next ? (-direction.value as 1 | -1) : 1
    key.value = next
  }
  /** For aria-sort on the header cell. */
  function ariaSort(column: K): 'ascending' | 'descending' | 'none' {
    if (key.value !== column) return 'none'
    return direction.value === 1 ? 'ascending' : 'descending'
  }
  return { key, direction, sorted, sortBy, ariaSort }
}
