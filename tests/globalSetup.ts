// Builds out/ once before any test file runs, so tests that start the built app or the
// built broker worker never race each other to build it.
import { fileURLToPath } from 'node:url'
import { ensureBuilt, findProjectRoot } from '../main/bin/build.js'

export function setup(): void {
  ensureBuilt(findProjectRoot(fileURLToPath(new URL('.', import.meta.url))))
}
