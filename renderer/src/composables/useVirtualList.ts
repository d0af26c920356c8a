// A virtualised list with a fixed row height: the scroll container's scrollTop and height say
// which rows are visible; only those (plus a small overscan) are rendered, translated into place.
import { computed, onMounted, onUnmounted, ref, type Ref } from 'vue'

export function useVirtualList<T>(items: Ref<readonly T[]>, rowHeight: number, overscan = 6) {
  const container = ref<HTMLElement | null>(null)
  const scrollTop = ref(0)
  const viewport = ref(600)
  let observer: ResizeObserver | null = null

  const first = computed(() => Math.max(0, Math.floor(scrollTop.value / rowHeight) - overscan))
  const last = computed(() => Math.min(items.value.length, Math.ceil((scrollTop.value + viewport.value) / rowHeight) + overscan))
  const visible = computed(() => items.value.slice(first.value, last.value))
  const totalHeight = computed(() => items.value.length * rowHeight)
  const offset = computed(() => first.value * rowHeight)

  function onScroll(): void {
    if (container.value) scrollTop.value = container.value.scrollTop
  }

  onMounted(() => {
    if (!container.value) return
    viewport.value = container.value.clientHeight
    observer = new ResizeObserver(() => (viewport.value = container.value?.clientHeight ?? viewport.value))
    observer.observe(container.value)
  })
  onUnmounted(() => observer?.disconnect())

  return { container, visible, totalHeight, offset, onScroll }
}
