/**
 * A self-signed certificate for `localhost` and 127.0.0.1, made once per process with the openssl
 * CLI: the loopback push service serves it, and the app's push sender is told to trust it
 * (`Infra.pushCa`). Web push always goes over https, so the tests do too.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

export interface TestCertificate {
  key: string
  cert: string
}

let made: TestCertificate | null = null

export function testCertificate(): TestCertificate {
  made ??= makeCertificate()
  return made
}

function makeCertificate(): TestCertificate {
  const dir = mkdtempSync(path.join(tmpdir(), 'nl-tls-'))
  try {
    const key = path.join(dir, 'key.pem')
    const cert = path.join(dir, 'cert.pem')
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
    ], { stdio: 'ignore' })
    return { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
