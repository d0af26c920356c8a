// `brokerlab serve`: the console in a browser, on the same host and embedded cluster as the
// desktop app: the built renderer plus the contract over HTTP and WebSocket, on 127.0.0.1 by
// default, behind a token printed in the URL.
import { randomBytes } from 'node:crypto'
import { homedir, tmpdir } from 'node:os'
import { join } from 'node:path'
import { Cluster } from '../cluster/cluster'
import { ConsoleService } from '../console/consoleService'
import { ConnectionProfiles } from '../console/connections/profiles'
import { KeyFileSecretBox } from '../console/connections/secretBox'
import { startHttpServer } from '../host/httpServer'
import { findProjectRoot } from '../bin/build.js'
import { AppDatabase } from '../host/appDatabase'
import { ExperimentService } from '../experiments/service'
import { clusterSettings, type ClusterCommandOptions } from './cluster'
import { startClusterRegistry } from './schemaRegistry'

export interface ServeCommandOptions extends ClusterCommandOptions {
  port?: string
  host?: string
  'state-dir'?: string
}

/** Saved connections, their secrets sealed with a key file only this user can read (DESIGN.md, Security). */
function openProfiles(stateDir: string): ConnectionProfiles | string {
  try {
    return new ConnectionProfiles(join(stateDir, 'connections.db'), new KeyFileSecretBox(join(stateDir, 'secrets.key')))
  } catch (err) {
    return (err as Error).message
  }
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1'])

export async function runServe(options: ServeCommandOptions): Promise<number> {
  const settings = clusterSettings(options)
  if (typeof settings === 'string') {
    console.error(`brokerlab serve: ${settings}`)
    return 2
  }
  const port = Number(options.port ?? 7070)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`brokerlab serve: --port must be a port number, not "${options.port}"`)
    return 2
  }
  const host = options.host ?? '127.0.0.1'
  if (!LOOPBACK.has(host)) console.error(`brokerlab serve: WARNING: listening on ${host}, not loopback: anyone who can reach it and has the token can drive this cluster`)
  const dataDir = settings.dataDir ?? join(tmpdir(), `brokerlab-serve-${process.pid}`)
  const stateDir = options['state-dir'] ?? (settings.dataDir ? join(homedir(), '.brokerlab') : join(dataDir, 'console'))
  const profiles = openProfiles(stateDir)
  if (typeof profiles === 'string') {
    console.error(`brokerlab serve: ${profiles}`)
    return 2
  }
  const cluster = await Cluster.start({
    dataDir,
    brokers: settings.brokers,
    brokerConfigs: settings.configs,
    listeners: { host: '127.0.0.1', basePort: settings.basePort },
    restartOnFailure: settings.restartOnFailure,
  }).catch((err: Error) => {
    console.error(`brokerlab serve: ${err.message}${/already in use/.test(err.message) ? '; choose other ports with --base-port' : ''}`)
    return null
  })
  if (!cluster) {
    profiles.close()
    return 2
  }
  const registry = await startClusterRegistry(cluster, settings.schemaRegistryPort, (line) => console.error(`brokerlab serve: ${line}`)).catch((err: Error) => {
    console.error(`brokerlab serve: ${err.message}`)
    return null
  })
  if (!registry) {
    profiles.close()
    await cluster.stop()
    return 2
  }
  // Experiment runs are kept in the app database of the state directory, as the desktop app keeps them in its own.
  const appDb = new AppDatabase(stateDir)
  const service = new ConsoleService(cluster, { profiles, experiments: new ExperimentService(appDb.experimentRuns()), schemaRegistryUrl: registry.url })
  const server = await startHttpServer({
    host,
    port,
    token: randomBytes(24).toString('base64url'),
    staticDir: join(findProjectRoot(import.meta.dirname), 'out', 'renderer'),
    service,
  }).catch((err: NodeJS.ErrnoException) => {
    console.error(`brokerlab serve: cannot listen on ${host}:${port}: ${err.code === 'EADDRINUSE' ? 'the port is in use; choose another with --port' : err.message}`)
    return null
  })
  if (!server) {
    await service.close()
    profiles.close()
    await registry.close()
    appDb.close()
    await cluster.stop()
    return 2
  }
  console.log(`console: ${server.url}`)
  console.log(`bootstrap: ${cluster.bootstrapServers}`)
  console.log(`schema registry: ${registry.url}`)
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
  })
  console.error('brokerlab serve: shutting down...')
  await server.close()
  await service.close()
  profiles.close()
  await registry.close()
  appDb.close()
  await cluster.stop()
  return 0
}
