import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import vue from '@vitejs/plugin-vue'

const root = import.meta.dirname

export default defineConfig({
  main: {
    build: {
      // The same bundle runs in Electron's Node and, for the `brokerlab` CLI, under plain Node 20.
      target: 'node20.19',
      // Runtime deps (native addons, kafkajs) are the package.json "dependencies": electron-vite
      // leaves those external by default, so they load from node_modules at run time.
      externalizeDeps: true,
      rolldownOptions: {
        input: {
          index: resolve(root, 'main/index.ts'),
          cli: resolve(root, 'main/cli.ts'),
          brokerWorker: resolve(root, 'main/cluster/broker/worker.ts'),
          controllerWorker: resolve(root, 'main/cluster/controller/worker.ts'),
          clientsWorker: resolve(root, 'main/cluster/clients/worker.ts'),
          clientMemberWorker: resolve(root, 'main/cluster/clients/member.ts'),
          experimentWorkloadWorker: resolve(root, 'main/experiments/workloadWorker.ts'),
        },
        // Flat out/main: workers.ts finds a worker as a sibling of the chunk that imports it
        // (new URL('./brokerWorker.js', import.meta.url)), so chunks must not go into a subfolder.
        output: { entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' },
      },
    },
  },
  preload: {
    build: {
      rolldownOptions: {
        input: { index: resolve(root, 'preload/index.ts') },
        // Sandboxed preloads cannot be ES modules; .cjs keeps Node from reading it as ESM under "type": "module".
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'renderer'),
    plugins: [vue()],
    build: {
      outDir: resolve(root, 'out/renderer'),
      rolldownOptions: { input: resolve(root, 'renderer/index.html') },
    },
  },
})
