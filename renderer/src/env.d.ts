/// <reference types="vite/client" />

declare module '*.vue' {
  import type { DefineComponent } from 'vue'
  const component: DefineComponent<object, object, unknown>
  export default component
}

interface Window {
  /** What preload/index.ts exposes in the desktop app. Absent in a plain browser (`serve`). */
  readonly brokerlab?: import('../../preload/contract').BrokerlabApi
}
