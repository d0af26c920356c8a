// Offset gaps on a page of records: compaction (and aborted or deleted records) leave offsets
// that no record holds. For each record, how many offsets lie empty between it and the
// page's previous record of its partition (the next lower offset shown).

/** `partition-offset` -> missing offsets just below that record (only where some are). */
export function offsetGaps(records: ReadonlyArray<{ partition: number; offset: number }>): Map<string, number> {
  const byPartition = new Map<number, number[]>()
  for (const r of records) byPartition.set(r.partition, [...(byPartition.get(r.partition) ?? []), r.offset])
  const gaps = new Map<string, number>()
  for (const [partition, offsets] of byPartition) {
    const sorted = [...offsets].sort((a, b) => a - b)
    for (let i = 1; i < sorted.length; i++) {
      const missing = sorted[i] - sorted[i - 1] - 1
      if (missing > 0) gaps.set(`${partition}-${sorted[i]}`, missing)
    }
  }
  return gaps
}
