/**
 * A real S3-compatible server (s3rver) on loopback for tests: a free port, its own temp directory and
 * a bucket of its own, so test files never share objects.
 *
 * @example
 * const s3 = await startS3()
 * const blobs = createBlobs({ s3: s3.config, mediaDir, mediaPublicUrl: null })
 * afterAll(() => s3.stop())
 */
import { randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3'
import S3rver from 's3rver'
import type { S3Config } from '@/config'

export interface LoopbackS3 {
  config: S3Config
  /** A client of the same server, for looking behind the app's back (HeadObject and the like). */
  client: S3Client
  /** Stops the server and removes its directory. */
  stop(): Promise<void>
}

// s3rver checks request signatures against this fixed key pair.
const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }

export async function startS3(): Promise<LoopbackS3> {
  const directory = await mkdtemp(path.join(os.tmpdir(), 'nine-lives-s3-'))
  // Port 0: the OS picks a free port, so parallel runs never collide.
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory })
  const { port } = await server.run()
  const endpoint = `http://127.0.0.1:${port}`
  const config: S3Config = {
    endpoint,
    region: 'us-east-1',
    bucket: `nine-lives-test-${randomUUID().slice(0, 8)}`,
    ...S3RVER_CREDENTIALS,
    // s3rver serves buckets by path unless it is given a virtual-host domain.
    forcePathStyle: true,
  }
  const client = new S3Client({
    endpoint,
    region: config.region,
    forcePathStyle: true,
    credentials: S3RVER_CREDENTIALS,
  })
  await client.send(new CreateBucketCommand({ Bucket: config.bucket }))
  return {
    config,
    client,
    async stop() {
      client.destroy()
      await server.close()
      await rm(directory, { recursive: true, force: true })
    },
  }
}
