import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { rmSync } from 'node:fs';
import { type Emulator, startEmulator } from '../../../integration/src/emulator';
import type { CopyBucket } from '../../src/copyRegistry';
import { templateFixture } from './templateFixture';

export interface RegistryOnEmulator {
  readonly emulator: Emulator;
  /** The test's own client (the harness), path-style on the emulator. */
  readonly s3: S3Client;
  /** environments/ with a one-region dev template whose state bucket is `registry`. */
  readonly fixture: string;
}

/**
 * A suite's registry: the emulator (moto of its own, or AWS_ENDPOINT_URL's), `registry`'s bucket created as the
 * bootstrap would, the SDK of the code under test pointed at it for the suite's duration. Filled in by beforeAll.
 */
export function registryOnEmulator(registry: CopyBucket): RegistryOnEmulator {
  const suite = {} as { -readonly [K in keyof RegistryOnEmulator]: RegistryOnEmulator[K] };
  const saved = { ...process.env };
  beforeAll(async () => {
    suite.emulator = await startEmulator();
    Object.assign(process.env, { AWS_ENDPOINT_URL: suite.emulator.target.endpoint, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' });
    suite.s3 = new S3Client({ region: registry.region, forcePathStyle: true });
    await suite.s3.send(new CreateBucketCommand({ Bucket: registry.bucket }));
    suite.fixture = templateFixture(registry.bucket);
  }, 60_000);
  afterAll(async () => {
    process.env = saved;
    suite.s3?.destroy();
    await suite.emulator?.stop();
    if (suite.fixture) rmSync(suite.fixture, { recursive: true, force: true });
  });
  return suite;
}
