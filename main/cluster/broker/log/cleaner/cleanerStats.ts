// Kafka's CleanerStats: what one cleaning round read, wrote and removed, and how long it took.
export class CleanerStats {
  bytesRead = 0
  bytesWritten = 0
  mapBytesRead = 0
  mapMessagesRead = 0
  messagesRead = 0
  messagesWritten = 0
  invalidMessagesRead = 0
  bufferUtilization = 0
  readonly startTime: number
  mapCompleteTime = -1
  endTime = -1

  constructor(private readonly now: () => number = Date.now) {
    this.startTime = now()
  }

  readMessages(messages: number, bytes: number): void {
    this.messagesRead += messages
    this.bytesRead += bytes
  }

  recopyMessages(messages: number, bytes: number): void {
    this.messagesWritten += messages
    this.bytesWritten += bytes
  }

  indexMessagesRead(messages: number, bytes: number): void {
    this.mapMessagesRead += messages
    this.mapBytesRead += bytes
  }

  indexDone(): void {
    this.mapCompleteTime = this.now()
  }

  allDone(): void {
    this.endTime = this.now()
  }

  get elapsedSecs(): number {
    return ((this.endTime < 0 ? this.now() : this.endTime) - this.startTime) / 1000
  }

  get elapsedIndexSecs(): number {
    return ((this.mapCompleteTime < 0 ? this.now() : this.mapCompleteTime) - this.startTime) / 1000
  }
}
