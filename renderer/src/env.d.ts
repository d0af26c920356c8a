/// <reference types="vite/client" />

declare module '*.vue' {
  import type { DefineComponent } from 'vue'
  const component: DefineComponent<object, object, unknown>
  export default component
}

/** What preload/index.ts exposes. Absent when the console runs in a plain browser (`serve`). */
interface BrokerlabBridge {
  readonly version: string
}

interface Window {
  readonly brokerlab?: BrokerlabBridge
}
