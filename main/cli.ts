// The `brokerlab` command. Runs under plain Node as well as next to Electron, so it never
// imports electron: `start` launches the Electron binary as a child process.
import { existsSync, realpathSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { version } from '../package.json'
import { runCluster, type ClusterCommandOptions } from './commands/cluster'
import { runServe, type ServeCommandOptions } from './commands/serve'
import { runStart } from './commands/start'

export type Command = 'start' | 'serve' | 'cluster'

export type Invocation =
  | { kind: 'run'; command: Command; options: Record<string, string | boolean | string[] | undefined> }
  | { kind: 'help' }
  | { kind: 'version' }
  | { kind: 'usage-error'; message: string }

const COMMANDS: readonly Command[] = ['start', 'serve', 'cluster']

/** The options each command takes (node:util parseArgs specs). */
const COMMAND_OPTIONS: Record<Command, Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>> = {
  start: {},
  serve: {
    port: { type: 'string' },
    host: { type: 'string' },
    'state-dir': { type: 'string' },
    brokers: { type: 'string' },
    'base-port': { type: 'string' },
    'data-dir': { type: 'string' },
    memory: { type: 'boolean' },
    config: { type: 'string', multiple: true },
    'restart-on-failure': { type: 'boolean' },
    'schema-registry-port': { type: 'string' },
  },
  cluster: {
    brokers: { type: 'string' },
    'base-port': { type: 'string' },
    'data-dir': { type: 'string' },
    memory: { type: 'boolean' },
    config: { type: 'string', multiple: true },
    'restart-on-failure': { type: 'boolean' },
    'schema-registry-port': { type: 'string' },
  },
}

export const USAGE = `Usage: brokerlab <command> [options]

Commands:
  start     open the desktop console (builds it first if needed)
  serve     the console in a browser, on an embedded cluster (prints its URL)
  cluster   run the embedded Kafka cluster for Kafka clients, without a console
  help      show this help

Options of serve (and those of cluster):
  --port P             the console's port (default 7070)
  --host H             the address to bind (default 127.0.0.1)
  --state-dir DIR      the console's saved connections and their secrets key
                       (default ~/.brokerlab; with --memory, a temporary directory)

Options of cluster:
  --brokers N          number of brokers (default 3)
  --base-port P        broker N listens on 127.0.0.1:P+N-1 (default 9092)
  --data-dir DIR       where the cluster lives (default ~/.brokerlab/cluster)
  --memory             a throwaway cluster in a temporary directory
  --config NAME=VALUE  a static broker config, e.g. --config num.partitions=6 (repeatable)
  --restart-on-failure start a broker again when its thread dies of an error (as
                       systemd's Restart=on-failure would; off by default)
  --schema-registry-port P
                       the embedded schema registry's port (default 8081, a free
                       one if 8081 is taken; 0 for any free port)

Options:
  -h, --help     show this help
  -v, --version  print the version`

/** Exit code for a command used wrongly or not available here (as with shell builtins). */
const EXIT_USAGE = 2

/** Pure: what the command line asks for. */
export function parseCommandLine(argv: readonly string[]): Invocation {
  let values: Record<string, string | boolean | string[] | undefined>
  let positionals: string[]
  try {
    ;({ values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: { help: { type: 'boolean', short: 'h' }, version: { type: 'boolean', short: 'v' }, ...Object.assign({}, ...Object.values(COMMAND_OPTIONS)) },
    }) as { values: Record<string, string | boolean | string[] | undefined>; positionals: string[] })
  } catch (err) {
    return { kind: 'usage-error', message: (err as Error).message }
  }
  if (values.help) return { kind: 'help' }
  if (values.version) return { kind: 'version' }
  const [command, ...extra] = positionals
  if (command === undefined) return { kind: 'usage-error', message: 'no command given' }
  if (command === 'help') return { kind: 'help' }
  if (!COMMANDS.includes(command as Command)) return { kind: 'usage-error', message: `unknown command "${command}"` }
  if (extra.length > 0) return { kind: 'usage-error', message: `unexpected argument "${extra[0]}"` }
  const { help: _help, version: _version, ...options } = values
  const foreign = Object.keys(options).find((name) => !(name in COMMAND_OPTIONS[command as Command]))
  if (foreign) return { kind: 'usage-error', message: `${command} takes no option --${foreign}` }
  return { kind: 'run', command: command as Command, options }
}


/** Runs the command line and resolves to the process exit code. */
export async function run(argv: readonly string[]): Promise<number> {
  const invocation = parseCommandLine(argv)
  switch (invocation.kind) {
    case 'help':
      console.log(USAGE)
      return 0
    case 'version':
      console.log(version)
      return 0
    case 'usage-error':
      console.error(`brokerlab: ${invocation.message}\n\n${USAGE}`)
      return EXIT_USAGE
    case 'run':
      if (invocation.command === 'start') return runStart()
      if (invocation.command === 'cluster') return runCluster(invocation.options as ClusterCommandOptions)
      return runServe(invocation.options as ServeCommandOptions)
  }
}

function isProcessEntry(): boolean {
  const entry = process.argv[1]
  return entry !== undefined && existsSync(entry) && realpathSync(entry) === import.meta.filename
}

if (isProcessEntry()) process.exitCode = await run(process.argv.slice(2))
