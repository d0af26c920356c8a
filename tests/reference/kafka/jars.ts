// The reference Kafka's classpath. Maven resolves the jars that pom.xml lists into ~/.m2
// (downloading them on first use) and prints their classpath; we keep that beside the
// pom's hash, so later runs start without Maven until the pom changes or a jar goes missing.
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { delimiter, join } from 'node:path'

export const KAFKA_DIR = import.meta.dirname
const POM = join(KAFKA_DIR, 'pom.xml')
const CACHE = join(KAFKA_DIR, '.cache', 'classpath.txt')

/** The Kafka version the pom asks for (its kafka.version property). */
export function kafkaVersion(): string {
  const version = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(readFileSync(POM, 'utf8'))?.[1]
  if (!version) throw new Error(`${POM} has no <kafka.version> property`)
  return version
}

function pomHash(): string {
  return createHash('sha256').update(readFileSync(POM)).digest('hex')
}

function cachedClasspath(hash: string): string | undefined {
  if (!existsSync(CACHE)) return undefined
  const [cachedHash, classpath] = readFileSync(CACHE, 'utf8').split('\n')
  if (cachedHash !== hash || !classpath) return undefined
  return classpath.split(delimiter).every((jar) => existsSync(jar)) ? classpath : undefined
}

/**
 * The classpath of Kafka's broker, tools and clients. Throws, with Maven's own output, when
 * Maven is missing or cannot resolve the jars: the reference tests must fail, never skip.
 */
export function kafkaClasspath(): string {
  const hash = pomHash()
  const cached = cachedClasspath(hash)
  if (cached) return cached
  mkdirSync(join(KAFKA_DIR, '.cache'), { recursive: true })
  const output = join(KAFKA_DIR, '.cache', `classpath-${process.pid}.txt`)
  const mvn = spawnSync('mvn', ['-B', '-q', '-f', POM, 'dependency:build-classpath', '-Dmdep.includeScope=runtime', `-Dmdep.outputFile=${output}`], {
    encoding: 'utf8',
    timeout: 600_000,
  })
  if (mvn.error) throw new Error(`Cannot run Maven (mvn) to fetch Apache Kafka ${kafkaVersion()}'s jars: ${mvn.error.message}`)
  if (mvn.status !== 0) {
    throw new Error(`Maven could not fetch Apache Kafka ${kafkaVersion()}'s jars (mvn exited ${mvn.status}):\n${(mvn.stdout + mvn.stderr).trim().slice(-4000)}`)
  }
  const classpath = readFileSync(output, 'utf8').trim()
  writeFileSync(CACHE, `${hash}\n${classpath}\n`)
  return classpath
}
