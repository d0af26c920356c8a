// A broker's TLS identity made with the JDK's keytool, as an operator would make one: a
// self-signed certificate for localhost and 127.0.0.1 in a PKCS12 keystore, and the same
// certificate in PEM for clients to trust.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { javaExecutable } from './java'

export interface BrokerKeystore {
  keystore: string
  password: string
  /** The certificate, PEM: what a client puts in its truststore (ssl.truststore.certificates). */
  certificatePem: string
}

export function makeBrokerKeystore(dir: string, password = 'brokerlab-test'): BrokerKeystore {
  const keytool = join(javaExecutable(), '..', 'keytool')
  const keystore = join(dir, 'broker.p12')
  const pem = join(dir, 'broker.pem')
  const store = ['-keystore', keystore, '-storetype', 'PKCS12', '-storepass', password]
  execFileSync(keytool, ['-genkeypair', '-alias', 'broker', '-keyalg', 'RSA', '-keysize', '2048', '-validity', '2', '-dname', 'CN=localhost', '-ext', 'SAN=dns:localhost,ip:127.0.0.1', '-keypass', password, ...store], { stdio: 'pipe' })
  execFileSync(keytool, ['-exportcert', '-rfc', '-alias', 'broker', '-file', pem, ...store], { stdio: 'pipe' })
  return { keystore, password, certificatePem: readFileSync(pem, 'utf8') }
}
