import type { CommitMode } from '../../../../preload/contract'

/** What each commit mode means when a member dies mid-batch: the point of the demo. */
export const COMMIT_MODES: ReadonlyArray<{ mode: CommitMode; label: string; meaning: string }> = [
  {
    mode: 'auto',
    label: 'Auto commit',
    meaning: 'enable.auto.commit: the processed offsets are committed every 500 ms, so a killed member’s records since the last commit are processed again.',
  },
  {
    mode: 'after-processing',
    label: 'After processing (at least once)',
    meaning: 'Each batch is committed once it is processed: a member killed mid-batch leaves the whole batch to be processed again. Duplicates, never a loss.',
  },
  {
    mode: 'before-processing',
    label: 'Before processing (at most once)',
    meaning: 'Each batch is committed as it arrives: a member killed mid-batch loses the rest of its batch. Losses, never a duplicate.',
  },
  {
    mode: 'transactional',
    label: 'Transactional (exactly once)',
    meaning:
      'Consume-transform-produce: each batch is one transaction holding its output records and its offsets (sendOffsets), read with read_committed; a batch that takes longer than 2 s commits in parts, well within the 10 s transaction.timeout.ms. A member killed mid-batch leaves its transaction open until the next owner’s producer fences it and it is aborted: records are processed twice, but none is twice in the output topic.',
  },
]

export const commitModeLabel = (mode: CommitMode) => COMMIT_MODES.find((m) => m.mode === mode)?.label ?? mode
