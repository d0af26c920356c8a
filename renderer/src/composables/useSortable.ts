// A sortable column set: the key and direction, and a toggle for column headers.
import { ref, type Ref } from 'vue'

export type SortDirection = 'asc' | 'desc'

export function useSortable<K extends string>(initial: K) {
  const key = ref(initial) as Ref<K>
  const direction = ref<SortDirection>('asc')

  function sortBy(next: K): void {
    if (key.value === next) direction.value = direction.value === 'asc' ? 'desc' : 'asc'
    else {
      key.value = next
      direction.value = 'asc'
    }
  }

  return { key, direction, sortBy }
}
