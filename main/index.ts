// Electron entry: one instance, one hardened window showing the renderer.
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { app, BrowserWindow, Menu, nativeTheme, safeStorage, screen, session, type WebContents } from 'electron'
import { AppDatabase, DEFAULT_WINDOW, restoredBounds } from './host/appDatabase'
import { Cluster } from './cluster/cluster'
import { ConsoleService } from './console/consoleService'
import { ExperimentService } from './experiments/service'
import { ConnectionProfiles } from './console/connections/profiles'
import { KeyFileSecretBox, type SecretBox } from './console/connections/secretBox'
import { serveContractOverIpc } from './host/ipc'
import { startClusterRegistry } from './commands/schemaRegistry'

const RENDERER_FILE = join(import.meta.dirname, '../renderer/index.html')
const PRELOAD_FILE = join(import.meta.dirname, '../preload/index.cjs')
/** Set by `electron-vite dev`: the renderer comes from Vite's dev server, with hot reload. */
const DEV_SERVER_URL = app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL

let mainWindow: BrowserWindow | null = null
let appDb: AppDatabase | null = null

/** The one page the app shows; anything else (a link, a drag-and-dropped file) is refused. */
function isAppPage(url: string): boolean {
  const target = new URL(url)
  if (DEV_SERVER_URL) return target.origin === new URL(DEV_SERVER_URL).origin
  target.hash = ''
  return target.href === pathToFileURL(RENDERER_FILE).href
}

function harden(contents: WebContents): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }))
  contents.on('will-navigate', (event, url) => {
    if (!isAppPage(url)) event.preventDefault()
  })
  contents.on('will-redirect', (event, url) => {
    if (!isAppPage(url)) event.preventDefault()
  })
  contents.on('will-attach-webview', (event) => event.preventDefault())
}

function createWindow(appDb: AppDatabase): BrowserWindow {
  const bounds = restoredBounds(appDb.get('window', DEFAULT_WINDOW), screen.getAllDisplays().map((d) => d.workArea))
  const window = new BrowserWindow({
    ...bounds,
    minWidth: 800,
    minHeight: 500,
    title: 'Brokerlab',
    show: false,
    // Matches the renderer's light/dark background, so the window does not flash white.
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#15181d' : '#f6f7f9',
    ...(process.platform === 'linux' ? { icon: join(app.getAppPath(), 'resources/icon.png') } : {}),
    webPreferences: {
      preload: PRELOAD_FILE,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  })
  window.once('ready-to-show', () => {
    if (bounds.maximized) window.maximize()
    window.show()
  })
  // Where the window was, for the next start.
  window.on('close', () => appDb.set('window', { ...window.getNormalBounds(), maximized: window.isMaximized() }))
  window.on('closed', () => (mainWindow = null))
  // The renderer's CSP is a <meta> in renderer/index.html, so it holds for file:// and the dev server alike.
  if (DEV_SERVER_URL) void window.loadURL(DEV_SERVER_URL)
  else void window.loadFile(RENDERER_FILE)
  return window
}

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return
    if (mainWindow.isMinimized()) mainWindow.restore()
    mainWindow.focus()
  })
  app.on('web-contents-created', (_event, contents) => harden(contents))
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0 && appDb) mainWindow = createWindow(appDb)
  })

  await app.whenReady()
  // The console asks for no camera, microphone, notifications or the like.
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))
  // The embedded cluster and the contract over ipcMain, before the first window, so the
  // renderer finds the contract ready.
  appDb = new AppDatabase(app.getPath('userData'))
  Menu.setApplicationMenu(appMenu())
  const cluster = await startLocalCluster()
  // The schema registry on 8081 (or a free port), its state in the cluster's _schemas topic.
  const registry = await startClusterRegistry(cluster, null, (line) => console.error(`Brokerlab: ${line}`)).catch((err: Error) => {
    console.error(`Brokerlab: the schema registry did not start: ${err.message}`)
    return null
  })
  const profiles = new ConnectionProfiles(join(app.getPath('userData'), 'connections.db'), secretBox())
  const service = new ConsoleService(cluster, { profiles, experiments: new ExperimentService(appDb.experimentRuns()), schemaRegistryUrl: registry?.url })
  const stopServing = serveContractOverIpc(service, isAppPage)
  let stopping = false
  app.on('before-quit', (event) => {
    if (stopping) return
    // Quit waits for a clean shutdown: every log flushed and closed, checkpoints written.
    event.preventDefault()
    stopping = true
    stopServing()
    void service
      .close()
      .then(() => registry?.close())
      .then(() => cluster.stop())
      .finally(() => {
        profiles.close()
        appDb?.close()
        app.quit()
      })
  })
  mainWindow = createWindow(appDb)
}

/**
 * Connection secrets are sealed by the OS keychain through safeStorage. On Linux without a
 * keyring safeStorage falls back to 'basic_text', a fixed key in Chromium's source, so there
 * a key file only this user can read does it instead, as in `brokerlab serve`.
 */
function secretBox(): SecretBox {
  const weak = !safeStorage.isEncryptionAvailable() || (process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text')
  if (weak) return new KeyFileSecretBox(join(app.getPath('userData'), 'secrets.key'))
  return { seal: (plain) => safeStorage.encryptString(plain), open: (sealed) => safeStorage.decryptString(sealed) }
}

/** The usual menus; no item opens anything outside the app. */
function appMenu(): Menu {
  return Menu.buildFromTemplate([
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    { label: 'View', submenu: [{ role: 'reload' }, ...(app.isPackaged ? [] : [{ role: 'toggleDevTools' as const }]), { type: 'separator' }, { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }] },
    { role: 'windowMenu' },
  ])
}

/**
 * The default cluster "local": 3 brokers in the app's data folder, on 9092-9094 like a local
 * Kafka, or on any free ports when those are taken (another Kafka may be running).
 */
async function startLocalCluster(): Promise<Cluster> {
  const dataDir = join(app.getPath('userData'), 'clusters', 'local')
  try {
    return await Cluster.start({ dataDir, brokers: 3, listeners: { basePort: 9092 } })
  } catch (err) {
    console.error(`Brokerlab: ports 9092-9094 are not free (${(err as Error).message}); using free ports instead`)
    return Cluster.start({ dataDir, brokers: 3 })
  }
}
