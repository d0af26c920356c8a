// The contract over Electron IPC: one invoke channel for calls, one channel for pushed
// events. Calls are served only for the app's own page (a sender check, as VS Code's
// validatedIpcMain does); the request itself is validated by the ConsoleService (main/console).
import { ipcMain, type WebContents } from 'electron'
import type { ConsoleService } from '../console/consoleService'
import type { CallOutcome } from '../../preload/contract'

export const CALL_CHANNEL = 'brokerlab:call'
export const EVENT_CHANNEL = 'brokerlab:event'

export function serveContractOverIpc(service: ConsoleService, isAppPage: (url: string) => boolean): () => void {
  const windows = new Set<WebContents>()
  ipcMain.handle(CALL_CHANNEL, async (event, method: unknown, request: unknown, connection?: unknown): Promise<CallOutcome> => {
    const frameUrl = event.senderFrame?.url ?? ''
    if (!isAppPage(frameUrl)) return { ok: false, error: { kind: 'invalid-request', message: `Calls from ${frameUrl || 'an unknown frame'} are refused` } }
    if (!windows.has(event.sender)) {
      windows.add(event.sender)
      event.sender.once('destroyed', () => windows.delete(event.sender))
    }
    return service.call(method, request, connection ?? undefined)
  })
  const unsubscribe = service.onEvent((event) => {
    for (const contents of windows) if (!contents.isDestroyed()) contents.send(EVENT_CHANNEL, event)
  })
  return () => {
    unsubscribe()
    ipcMain.removeHandler(CALL_CHANNEL)
  }
}
