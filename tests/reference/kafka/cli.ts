// `npm run kafka -- <command>`: the reference Apache Kafka by hand.
//   start [--brokers N] [--dir DIR] [--config name=value ...]   runs a cluster until Ctrl-C or `stop`
//   stop [--dir DIR]                                             stops the cluster `start` runs
//   tool <kafka-tool> [args...]                                  e.g. tool kafka-topics --bootstrap-server B --list
//   tools | classpath | version
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ReferenceCluster } from './cluster'
import { kafkaClasspath, kafkaVersion } from './jars'
import { isKafkaTool, KAFKA_TOOLS, runKafkaTool } from './tools'

const DEFAULT_DIR = join(tmpdir(), 'brokerlab-reference-kafka')

interface StartArgs {
  dir: string
  brokers: number
  configs: Record<string, string>
}

function parseStart(args: string[]): StartArgs {
  const parsed: StartArgs = { dir: DEFAULT_DIR, brokers: 3, configs: {} }
  for (let i = 0; i < args.length; i++) {
    const value = args[i + 1]
    if (value === undefined) throw new Error(`${args[i]} needs a value`)
    if (args[i] === '--dir') parsed.dir = value
    else if (args[i] === '--brokers') parsed.brokers = Number(value)
    else if (args[i] === '--config' && value.includes('=')) parsed.configs[value.slice(0, value.indexOf('='))] = value.slice(value.indexOf('=') + 1)
    else throw new Error(`unknown option ${args[i]} ${value}`)
    i++
  }
  if (!Number.isInteger(parsed.brokers) || parsed.brokers < 1) throw new Error('--brokers must be a positive integer')
  return parsed
}

const pidFile = (dir: string) => join(dir, 'launcher.pid')

async function start(args: string[]): Promise<number> {
  const { dir, brokers, configs } = parseStart(args)
  rmSync(dir, { recursive: true, force: true })
  const started = Date.now()
  const cluster = await ReferenceCluster.start({ dir, brokers, configs })
  writeFileSync(pidFile(dir), String(process.pid))
  console.log(`Apache Kafka ${kafkaVersion()}: ${brokers} brokers (node 1 also the KRaft controller), cluster id ${cluster.clusterId}, ready in ${Date.now() - started} ms`)
  console.log(`logs: ${dir}/node-*/server.log`)
  console.log(`bootstrap: ${cluster.bootstrapServers}`)
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
  })
  await cluster.stop()
  rmSync(dir, { recursive: true, force: true })
  console.log('stopped')
  return 0
}

async function stop(args: string[]): Promise<number> {
  const { dir } = parseStart(args)
  if (!existsSync(pidFile(dir))) {
    console.error(`no reference cluster runs from ${dir}`)
    return 1
  }
  const pid = Number(readFileSync(pidFile(dir), 'utf8'))
  process.kill(pid, 'SIGTERM')
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 200))) {
    try {
      process.kill(pid, 0)
    } catch {
      console.log('stopped')
      return 0
    }
  }
  console.error(`launcher ${pid} still running after 60 s`)
  return 1
}

async function tool(args: string[]): Promise<number> {
  const [name, ...rest] = args
  if (!name || !isKafkaTool(name)) {
    console.error(`unknown tool ${name ?? '(none)'}; one of: ${Object.keys(KAFKA_TOOLS).join(', ')}`)
    return 2
  }
  const result = await runKafkaTool(name, rest, { timeoutMs: 600_000, input: process.stdin.isTTY ? '' : readFileSync(0, 'utf8') })
  process.stdout.write(result.stdout)
  process.stderr.write(result.stderr)
  return result.status ?? 1
}

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv
  switch (command) {
    case 'start':
      return start(args)
    case 'stop':
      return stop(args)
    case 'tool':
      return tool(args)
    case 'tools':
      for (const [name, main] of Object.entries(KAFKA_TOOLS)) console.log(`${name}\t${main}`)
      return 0
    case 'classpath':
      console.log(kafkaClasspath())
      return 0
    case 'version':
      console.log(kafkaVersion())
      return 0
    default:
      console.error('usage: npm run kafka -- start [--brokers N] [--dir DIR] [--config k=v] | stop [--dir DIR] | tool <name> [args] | tools | classpath | version')
      return 2
  }
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (err: Error) => {
    console.error(err.message)
    process.exitCode = 1
  },
)
