import { onMounted, onUnmounted, ref } from 'vue'

/**
 * The current values of some of base.css's theme variables, for what cannot read CSS (a
 * canvas chart's colours); read again whenever <html data-theme> changes.
 */
export function useThemeColors<N extends string>(names: readonly N[]) {
  const read = () => {
    const style = getComputedStyle(document.documentElement)
    return Object.fromEntries(names.map((name) => [name, style.getPropertyValue(`--${name}`).trim()])) as Record<N, string>
  }
  const colors = ref(read())
  const observer = new MutationObserver(() => (colors.value = read()))
  onMounted(() => observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] }))
  onUnmounted(() => observer.disconnect())
  return colors
}
