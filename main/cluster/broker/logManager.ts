// Kafka's LogManager: the broker's partition logs under one data directory, their config,
// the periodic retention pass and high-watermark checkpoint, and the log cleaner.
import { mkdirSync, readdirSync, statfsSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { cleanerConfigFrom, logConfigFor, type ConfigLayers, type LogConfig } from '../config'
import type { BrokerEvent } from './api'
import { brokerConfigNumber } from './brokerConfig'
import { CheckpointStore } from './log/checkpoints'
import { readRecordTimestamps } from './log/recordTimestamps'
import { UnifiedLog } from './log/unifiedLog'
import { LogCleaner } from './log/cleaner/logCleaner'
import { cleaningRound, logCleanerState, type LogCleanerState } from './log/cleaner/cleanerState'

/** Kafka's replica.high.watermark.checkpoint.interval.ms default. */
const HIGH_WATERMARK_CHECKPOINT_INTERVAL_MS = 5000

export function partitionKey(topic: string, partition: number): string {
  return `${topic}-${partition}`
}

/** The broker's one log directory as DescribeLogDirs reports it. */
export interface LogDirDescription {
  /** Absolute, as Kafka reports it. */
  path: string
  /** The volume's total and usable bytes (Java's FileStore getTotalSpace and getUsableSpace). */
  totalBytes: bigint
  usableBytes: bigint
  logs: Array<{ topic: string; partition: number; size: number; offsetLag: number }>
}

export class LogManager {
  readonly checkpoints: CheckpointStore
  readonly cleaner: LogCleaner
  private readonly logs = new Map<string, UnifiedLog>()
  private readonly topicConfigs = new Map<string, Record<string, string>>()
  private retentionTimer: NodeJS.Timeout | null = null
  /** When the last retention pass ran (ms since the epoch); null before the first. */
  lastRetentionCheckAt: number | null = null
  private checkpointTimer: NodeJS.Timeout | null = null

  constructor(
    readonly dataDir: string,
    public brokerConfigs: ConfigLayers,
    private readonly emit: (event: BrokerEvent) => void,
  ) {
    mkdirSync(dataDir, { recursive: true })
    this.checkpoints = new CheckpointStore(join(dataDir, 'checkpoints.db'))
    this.cleaner = new LogCleaner({
      logs: () => this.logs.values(),
      checkpoints: this.checkpoints,
      config: () => cleanerConfigFrom(this.brokerConfigs),
      log: (line) => console.error(`[log cleaner ${dataDir}] ${line}`),
      cleaned: (cleaning) => {
        const { bytesRead, bytesWritten, recordsRemoved, endOffset, elapsedMs } = cleaningRound(cleaning)
        this.emit({ type: 'log-cleaned', topic: cleaning.topic, partition: cleaning.partition, bytesRead, bytesWritten, recordsRemoved, endOffset, elapsedMs, timestamp: cleaning.endTime })
      },
    })
  }

  /**
   * Kafka's describeLogDirs: a log's size is the bytes of its segment files, and its offset
   * lag how far its end trails the high watermark (0 on any current log, as in Kafka).
   */
  describeLogDir(): LogDirDescription {
    const volume = statfsSync(this.dataDir, { bigint: true })
    return {
      path: resolve(this.dataDir),
      totalBytes: volume.bsize * volume.blocks,
      usableBytes: volume.bsize * volume.bavail,
      logs: [...this.allLogs()].map((log) => ({ topic: log.topic, partition: log.partition, size: log.size, offsetLag: Math.max(log.highWatermark - log.logEndOffset, 0) })),
    }
  }

  /** Opens every partition folder found on disk (Kafka's loadLogs at start-up). */
  loadLogs(): UnifiedLog[] {
    for (const name of readdirSync(this.dataDir)) {
      const match = /^(.+)-(\d+)$/.exec(name)
      if (!match || !statSync(join(this.dataDir, name)).isDirectory()) continue
      const topic = match[1]
      const partition = Number(match[2])
      const log = this.openLog(topic, partition)
      if (log.truncatedOnRecovery > 0) {
        this.emit({ type: 'log-recovered', topic, partition, truncatedBytes: log.truncatedOnRecovery, timestamp: Date.now() })
      }
    }
    return [...this.logs.values()]
  }

  private openLog(topic: string, partition: number): UnifiedLog {
    const log = UnifiedLog.open({
      dir: join(this.dataDir, partitionKey(topic, partition)),
      topic,
      partition,
      config: this.logConfig(topic),
      checkpoints: this.checkpoints,
      readRecordTimestamps,
    })
    this.logs.set(partitionKey(topic, partition), log)
    return log
  }

  logConfig(topic: string): LogConfig {
    return logConfigFor(this.topicConfigs.get(topic) ?? {}, this.brokerConfigs)
  }

  getLog(topic: string, partition: number): UnifiedLog | undefined {
    return this.logs.get(partitionKey(topic, partition))
  }

  getOrCreateLog(topic: string, partition: number): UnifiedLog {
    return this.getLog(topic, partition) ?? this.openLog(topic, partition)
  }

  allLogs(): IterableIterator<UnifiedLog> {
    return this.logs.values()
  }

  /** The topic's local logs. */
  logsOf(topic: string): UnifiedLog[] {
    return [...this.logs.values()].filter((log) => log.topic === topic)
  }

  /** New topic overrides: every log of the topic takes them at once (Kafka's dynamic topic config). */
  setTopicConfig(topic: string, overrides: Record<string, string>): void {
    this.topicConfigs.set(topic, { ...overrides })
    const config = this.logConfig(topic)
    for (const log of this.logsOf(topic)) log.updateConfig(config)
  }

  setBrokerConfigs(layers: ConfigLayers): void {
    const cleanerBefore = JSON.stringify(cleanerConfigFrom(this.brokerConfigs))
    this.brokerConfigs = layers
    for (const log of this.logs.values()) log.updateConfig(this.logConfig(log.topic))
    if (!this.retentionTimer) return
    this.startTimers()
    if (this.cleaner.isRunning && JSON.stringify(cleanerConfigFrom(layers)) !== cleanerBefore) {
      this.cleaner.reconfigure().catch((error) => console.error(`log cleaner reconfiguration failed: ${error}`))
    }
  }

  deleteLog(topic: string, partition: number): void {
    const log = this.logs.get(partitionKey(topic, partition))
    if (!log) return
    this.logs.delete(partitionKey(topic, partition))
    log.delete()
  }

  /** One retention pass over every log, reporting what it deleted; answers the totals. */
  cleanupLogs(): { deletedSegments: number; deletedBytes: number } {
    this.lastRetentionCheckAt = Date.now()
    const total = { deletedSegments: 0, deletedBytes: 0 }
    for (const log of this.logs.values()) {
      const result = log.deleteOldSegments()
      if (!result.reason) continue
      total.deletedSegments += result.deletedSegments
      total.deletedBytes += result.deletedBytes
      this.emit({
        type: 'segments-deleted',
        topic: log.topic,
        partition: log.partition,
        reason: result.reason,
        deletedSegments: result.deletedSegments,
        deletedBytes: result.deletedBytes,
        logStartOffset: log.logStartOffset,
        timestamp: Date.now(),
      })
    }
    return total
  }

  /** How often retention runs (log.retention.check.interval.ms) and when it last did. */
  retentionCheck(): { intervalMs: number; lastCheckAt: number | null } {
    return { intervalMs: brokerConfigNumber(this.brokerConfigs, 'log.retention.check.interval.ms'), lastCheckAt: this.lastRetentionCheckAt }
  }

  cleanerState(): LogCleanerState {
    return logCleanerState(this.cleaner, this.logs.values(), cleanerConfigFrom(this.brokerConfigs).enableCleaner)
  }

  checkpointHighWatermarks(): void {
    this.checkpoints.saveHighWatermarks(
      [...this.logs.values()].map((log) => ({ topic: log.topic, partition: log.partition, highWatermark: log.highWatermark })),
    )
  }

  startTimers(): void {
    this.stopTimers()
    const retentionCheckMs = brokerConfigNumber(this.brokerConfigs, 'log.retention.check.interval.ms')
    this.retentionTimer = setInterval(() => this.cleanupLogs(), retentionCheckMs)
    this.checkpointTimer = setInterval(() => this.checkpointHighWatermarks(), HIGH_WATERMARK_CHECKPOINT_INTERVAL_MS)
    this.retentionTimer.unref()
    this.checkpointTimer.unref()
    this.cleaner.startup()
  }

  private stopTimers(): void {
    if (this.retentionTimer) clearInterval(this.retentionTimer)
    if (this.checkpointTimer) clearInterval(this.checkpointTimer)
    this.retentionTimer = this.checkpointTimer = null
  }

  /** Clean shutdown: every log flushed and closed, checkpoints written. */
  shutdown(): void {
    this.stopTimers()
    this.cleaner.close()
    for (const log of this.logs.values()) log.close()
    this.logs.clear()
    this.checkpoints.close()
  }
}
