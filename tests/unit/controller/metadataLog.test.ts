import Database from 'better-sqlite3'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { METADATA_DB_FILE, MetadataLog } from '../../../main/cluster/controller/metadataLog'
import type { MetadataRecord } from '../../../main/cluster/metadata/records'
import { tempDir } from './harness'

const topic = (i: number): MetadataRecord => ({ type: 'TopicRecord', name: `t${i}`, topicId: `id-${i}` })
const config = (value: string): MetadataRecord => ({ type: 'ConfigRecord', resourceType: 4, resourceName: '', name: 'min.insync.replicas', value })

describe('MetadataLog', () => {
  it('appends batches at consecutive offsets, applies them, and reads from an offset', () => {
    const dir = tempDir()
    const log = MetadataLog.open(dir)
    expect(log.nextOffset).toBe(0)
    const { entries, changes } = log.append([topic(0), topic(1)], 111)
    expect(entries.map((e) => [e.offset, e.timestamp])).toEqual([[0, 111], [1, 111]])
    expect(changes.map((c) => c.kind)).toEqual(['topic-created', 'topic-created'])
    log.append([config('2')], 222)
    expect(log.image.offset).toBe(2)
    expect(log.readFrom(0)).toEqual({ snapshot: null, entries: [{ offset: 1, timestamp: 111, record: topic(1) }, { offset: 2, timestamp: 222, record: config('2') }] })
    expect(log.readFrom(2).entries).toEqual([])
    log.close(300)
  })

  it('replays to an equal image after reopening', () => {
    const dir = tempDir()
    const log = MetadataLog.open(dir, { snapshotEvery: 1_000_000 })
    for (let i = 0; i < 10; i++) log.append([topic(i), config(String(i + 1))], i)
    const before = log.image.toData()
    // No close: the next open replays every record, as after a crash.
    const reopened = MetadataLog.open(dir)
    expect(reopened.image.toData()).toEqual(before)
    expect(reopened.nextOffset).toBe(20)
    reopened.close(0)
    log.close(0)
  })

  it('snapshots every N records, deletes records below the previous snapshot, and serves a far-behind reader the snapshot', () => {
    const dir = tempDir()
    const log = MetadataLog.open(dir, { snapshotEvery: 4 })
    for (let i = 0; i < 10; i++) log.append([topic(i)], 1000 + i)
    // Snapshots at offsets 3 and 7; records up to 3 are gone.
    expect(log.latestSnapshot()).toMatchObject({ offset: 7, timestamp: 1007 })
    const behind = log.readFrom(1)
    expect(behind.snapshot!.offset).toBe(7)
    expect(behind.snapshot!.image.topics.map((t) => t.name)).toEqual(['t0', 't1', 't2', 't3', 't4', 't5', 't6', 't7'])
    expect(behind.entries.map((e) => e.offset)).toEqual([8, 9])
    // A reader past the deleted records still gets records.
    expect(log.readFrom(3)).toMatchObject({ snapshot: null })
    expect(log.readFrom(3).entries.map((e) => e.offset)).toEqual([4, 5, 6, 7, 8, 9])

    const image = log.image.toData()
    log.close(2000)
    const reopened = MetadataLog.open(dir, { snapshotEvery: 4 })
    expect(reopened.image.toData()).toEqual(image)
    reopened.close(2001)
    const db = new Database(join(dir, METADATA_DB_FILE), { readonly: true })
    const counts = db.prepare('SELECT (SELECT COUNT(*) FROM metadata_log) AS entries, (SELECT MIN(log_offset) FROM metadata_log) AS first').get()
    db.close()
    expect(counts).toEqual({ entries: 2, first: 8 })
  })

  it('rolls back a batch the image refuses, keeping log and image as they were', () => {
    const dir = tempDir()
    const log = MetadataLog.open(dir)
    log.append([topic(0)], 1)
    const bad: MetadataRecord = { type: 'RemoveTopicRecord', topicId: 'unknown' }
    expect(() => log.append([topic(1), bad], 2)).toThrow(/unknown topic id/)
    expect(log.image.offset).toBe(0)
    expect([...log.image.topicsByName.keys()]).toEqual(['t0'])
    expect(log.readFrom(-1).entries).toHaveLength(1)
    log.append([topic(2)], 3)
    expect(log.readFrom(-1).entries.map((e) => e.offset)).toEqual([0, 1])
    log.close(4)
  })
})
