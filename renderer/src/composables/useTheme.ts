// Light or dark: the operator's choice when made (remembered in localStorage), the OS's
// preference otherwise. The effective theme lands on <html data-theme>, which base.css reads.
import { computed, onUnmounted, ref, watchEffect } from 'vue'

export type Theme = 'light' | 'dark'
const STORAGE_KEY = 'brokerlab.theme'

function storedTheme(): Theme | null {
  const value = localStorage.getItem(STORAGE_KEY)
  return value === 'light' || value === 'dark' ? value : null
}

export function useTheme() {
  const query = matchMedia('(prefers-color-scheme: dark)')
  const systemDark = ref(query.matches)
  const chosen = ref<Theme | null>(storedTheme())
  const onSystemChange = (event: MediaQueryListEvent) => (systemDark.value = event.matches)
  query.addEventListener('change', onSystemChange)
  onUnmounted(() => query.removeEventListener('change', onSystemChange))

  const theme = computed<Theme>(() => chosen.value ?? (systemDark.value ? 'dark' : 'light'))
  watchEffect(() => (document.documentElement.dataset.theme = theme.value))

  function toggle(): void {
    chosen.value = theme.value === 'dark' ? 'light' : 'dark'
    localStorage.setItem(STORAGE_KEY, chosen.value)
  }
  return { theme, toggle }
}
