// Runs a JVM for the reference Kafka: the java of JAVA_HOME (or PATH), checked to be 17 or
// newer as Kafka 4 requires, always with a bounded heap, since other suites share 2 cores.
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { KAFKA_DIR } from './jars'

let checked: string | undefined

/** The java executable; throws a clear error if it is missing or older than 17. */
export function javaExecutable(): string {
  if (checked) return checked
  const java = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java'
  const probe = spawnSync(java, ['-version'], { encoding: 'utf8' })
  if (probe.error) throw new Error(`Cannot run ${java} (Apache Kafka needs Java 17 or newer): ${probe.error.message}`)
  const major = Number(/version "(\d+)/.exec(probe.stderr)?.[1])
  if (!(major >= 17)) throw new Error(`Apache Kafka 4 needs Java 17 or newer; ${java} is: ${probe.stderr.split('\n')[0]}`)
  checked = java
  return java
}

export interface JvmOptions {
  classpath: string
  /** -Xmx, e.g. '512m'. Required: no JVM here runs unbounded. */
  maxHeap: string
  /** Log4j 2 configuration, a file beside this module. */
  log4j: 'log4j2-broker.properties' | 'log4j2-tools.properties'
  systemProperties?: Record<string, string>
  /** Start fast rather than run fast: C1 only, for short-lived tools and clients. */
  shortLived?: boolean
}

/** The JVM arguments before the main class (or source file). */
export function jvmArgs(options: JvmOptions): string[] {
  const props = { 'log4j2.configurationFile': join(KAFKA_DIR, options.log4j), ...options.systemProperties }
  return [
    `-Xmx${options.maxHeap}`,
    `-Xms${options.shortLived ? '64m' : '256m'}`,
    '-XX:+UseSerialGC',
    ...(options.shortLived ? ['-XX:TieredStopAtLevel=1'] : []),
    '-Djava.awt.headless=true',
    ...Object.entries(props).map(([k, v]) => `-D${k}=${v}`),
    '-cp',
    options.classpath,
  ]
}
