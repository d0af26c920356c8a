#!/usr/bin/env node
// The `brokerlab` command: runs the built CLI (out/main/cli.js), building it first if needed.
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { builtProjectRoot } from './build.js'

const root = builtProjectRoot(import.meta.dirname)
const { run } = await import(pathToFileURL(join(root, 'out/main/cli.js')).href)
process.exitCode = await run(process.argv.slice(2))
