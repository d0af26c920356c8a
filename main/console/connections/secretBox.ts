// Secrets of cluster connections (SASL passwords, TLS keys) are stored sealed (DESIGN.md,
// Security). The desktop app seals them with Electron's safeStorage (the OS keychain; see
// main/index.ts); `brokerlab serve` with a key file only its user can read, as ssh does with
// its private keys. Both are a SecretBox, so the profile store does not care which.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'

export interface SecretBox {
  seal(plain: string): Buffer
  open(sealed: Buffer): string
}

const KEY_BYTES = 32
const IV_BYTES = 12
const TAG_BYTES = 16

/**
 * AES-256-GCM with a 32-byte key kept in `path` (mode 0600, made on first use). A key file
 * that others can read is refused, as ssh refuses such a private key: it names the file and
 * the fix. A sealed secret that was tampered with, or sealed with another key, fails to open
 * with a clear error instead of yielding garbage.
 */
export class KeyFileSecretBox implements SecretBox {
  private readonly key: Buffer

  constructor(readonly path: string) {
    if (!existsSync(path)) {
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
      writeFileSync(path, randomBytes(KEY_BYTES), { mode: 0o600, flag: 'wx' })
      chmodSync(path, 0o600) // whatever the umask
    }
    const mode = statSync(path).mode & 0o777
    if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
      throw new Error(`the secrets key file ${path} can be read by others (mode ${mode.toString(8)}); make it readable only by you: chmod 600 ${path}`)
    }
    this.key = readFileSync(path)
    if (this.key.length !== KEY_BYTES) throw new Error(`the secrets key file ${path} holds ${this.key.length} bytes, not ${KEY_BYTES}: it is not a key this program made`)
  }

  seal(plain: string): Buffer {
    const iv = randomBytes(IV_BYTES)
    const cipher = createCipheriv('aes-256-gcm', this.key, iv)
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
    return Buffer.concat([iv, cipher.getAuthTag(), body])
  }

  open(sealed: Buffer): string {
    if (sealed.length < IV_BYTES + TAG_BYTES) throw new Error('a stored secret is too short to be one this program sealed')
    const decipher = createDecipheriv('aes-256-gcm', this.key, sealed.subarray(0, IV_BYTES))
    decipher.setAuthTag(sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES))
    try {
      return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8')
    } catch {
      throw new Error(`a stored secret does not open with the key in ${this.path}: it was sealed with another key, or changed`)
    }
  }
}
