#!/usr/bin/env node
// The `brokerlab` command: runs the built CLI (out/main/cli.js), building it first if needed.
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { ensureBuilt, findProjectRoot } from './build.js'

const root = findProjectRoot(import.meta.dirname)
try {
  ensureBuilt(root)
} catch (err) {
  console.error(err.message)
  process.exit(1)
}
const { run } = await import(pathToFileURL(join(root, 'out/main/cli.js')).href)
process.exitCode = await run(process.argv.slice(2))
