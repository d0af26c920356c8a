import { computed } from 'vue'
import { useSortable } from './useSortable'

type SortValue = string | number

/** A table's rows sorted by a chosen column (useSortable's key and direction). */
export function useSort<T, K extends string>(rows: () => T[], columns: Record<K, (row: T) => SortValue>, initial: NoInfer<K>) {
  const { key, direction, sortBy } = useSortable<K>(initial)
  const sorted = computed(() => {
    const value = columns[key.value]
    const sign = direction.value === 'asc' ? 1 : -1
    return [...rows()].sort((a, b) => {
      const [x, y] = [value(a), value(b)]
      const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y))
      return order * sign
    })
  })
  /** For aria-sort on the header cell. */
  function ariaSort(column: K): 'ascending' | 'descending' | 'none' {
    if (key.value !== column) return 'none'
    return direction.value === 'asc' ? 'ascending' : 'descending'
  }
  return { key, direction, sorted, sortBy, ariaSort }
}
