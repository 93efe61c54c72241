/**
 * On-demand copies end to end on the emulator, through the commands the workflows run: two copies of one template
 * (a one-region dev, to keep the suite short) synthesized from their records and deployed by `gitops deploy` as two
 * matrix jobs at once, listed by `gitops copies`, then `gitops reap` at a clock between their expiries destroys exactly
 * the expired one (its resources, state and record) while a copy whose template is gone fails on its own, and
 * `gitops reap --suffix` destroys the other. The registry is the template's state bucket in the emulator's S3.
 */
import { CreateBucketCommand, GetObjectCommand, HeadBucketCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { synth } from '../../infra/src/app';
import { COPY_STATE_PREFIX, copyRecordKey, copyStateKey, type CopyRecord } from '../../infra/src/config/ephemeralCopy';
import { regionalNames } from '../../infra/src/config/names';
import { runAsStep } from '../../gitops/test/support/actionsRun';
import { templateFixture } from '../../gitops/test/support/templateFixture';
import { type Emulator, startEmulator } from '../src/emulator';
import { asRole } from '../src/principals';
import { destroyClients, type RegionClients, regionClients } from '../src/regionClients';
import { RecordedCalls } from './support/recordedCalls';

const MINUTE = 60_000;
const REGION = 'us-east-1';
/** The template's state bucket, as the bootstrap stack creates it; this suite's own, on an emulator others may share. */
const STATE = { bucket: 'analytics-tfstate-ephemeral-copies-test', region: REGION };
const REPO_ROOT = path.join(__dirname, '../..');

const EXPIRED: CopyRecord = { template: 'dev', suffix: 'eph-early', expiresAt: '2026-12-04T10:00:00Z', createdBy: 'octocat', pullRequest: 41 };
const ALIVE: CopyRecord = { template: 'dev', suffix: 'eph-late', expiresAt: '2026-12-04T14:00:00Z', createdBy: 'hubot' };
/** Between the two expiries. */
const NOW = '2026-12-04T12:00:00Z';

let emulator: Emulator;
let clients: RegionClients;
let fixture: string;
let workdir: string;
/** What every step sees: the emulator for the SDK; the copies' deploy role, as the jobs in the template's environment. */
let stepEnv: Record<string, string>;
/** Every call of the deploys and reaps is checked against the copies' role; the suite's bucket stands for the account's. */
const recorded = new RecordedCalls('ephemeralCopies.test.ts', () => emulator, { bucketStandIns: { [STATE.bucket]: 'analytics-tfstate-123456789012' } });

beforeAll(async () => {
  emulator = await startEmulator(process.env, { record: true });
  stepEnv = { AWS_ENDPOINT_URL: emulator.target.endpoint, ...asRole('copies'), AWS_REGION: REGION };
  clients = regionClients(emulator.target.endpoint, REGION);
  await clients.s3.send(new CreateBucketCommand({ Bucket: STATE.bucket }));
  fixture = templateFixture(STATE.bucket);
  workdir = mkdtempSync(path.join(tmpdir(), 'ephemeral-copies-'));
}, 5 * MINUTE);

afterAll(async () => {
  if (clients) destroyClients(clients);
  await emulator?.stop();
  for (const dir of [fixture, workdir]) if (dir) rmSync(dir, { recursive: true, force: true });
});

/** `npm run gitops -- <argv>` as its own process, the way two matrix jobs run side by side: exit code and job summary. */
function step(argv: readonly string[]): Promise<{ code: number | null; summary: string; stderr: string }> {
  const summaryFile = path.join(mkdtempSync(path.join(workdir, 'step-')), 'summary');
  writeFileSync(summaryFile, '');
  const env = { ...process.env, ...stepEnv, GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summaryFile, GITHUB_OUTPUT: `${summaryFile}.out` };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'gitops/cli.ts', ...argv], { cwd: REPO_ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
    const stderr: Buffer[] = [];
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, summary: readFileSync(summaryFile, 'utf8'), stderr: Buffer.concat(stderr).toString('utf8') }));
  });
}

/** The synth and deploy jobs of one copy: synth --copy into the job's own checkout, then the region's deploy step. */
async function deployCopy(copy: CopyRecord) {
  const outdir = path.join(workdir, copy.suffix);
  synth({ copy, outdir, environmentsDir: fixture, target: emulator.target });
  return step(['deploy', '--stack', `${copy.suffix}-${REGION}`, '--stacks-dir', path.join(outdir, 'stacks')]);
}

const bucketOf = (copy: CopyRecord) => regionalNames(REGION, copy.suffix).bucket;
const exists = (send: Promise<unknown>) => send.then(
  () => true,
  (error: { name?: string }) => (['NotFound', 'NoSuchKey', 'NoSuchBucket'].includes(error.name ?? '') ? false : Promise.reject(error)),
);
/** Where a copy stands: its data bucket in the region, its state and record in the registry. */
const standing = async (copy: CopyRecord) => ({
  bucket: await exists(clients.s3.send(new HeadBucketCommand({ Bucket: bucketOf(copy) }))),
  state: await exists(clients.s3.send(new HeadObjectCommand({ Bucket: STATE.bucket, Key: copyStateKey(copy.suffix, REGION) }))),
  record: await exists(clients.s3.send(new HeadObjectCommand({ Bucket: STATE.bucket, Key: copyRecordKey(copy.suffix) }))),
});

test('two copies of one template: deployed side by side, listed, the expired one reaped at the injected clock, the other destroyed by suffix', async () => {
  const deploys = await Promise.all([deployCopy(EXPIRED), deployCopy(ALIVE)]);
  for (const [copy, run] of [EXPIRED, ALIVE].map((copy, i) => [copy, deploys[i]!] as const)) {
    expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(run.summary).toMatch(new RegExp(`${copy.suffix}-${REGION}: applied \\(commit [0-9a-f]{12}\\); copy of dev, reaped after ${copy.expiresAt}\n`));
    expect(await standing(copy)).toEqual({ bucket: true, state: true, record: true });
  }
  // the deploy wrote each record from its stack's tags, and kept no applied commit (outside the copies' prefix)
  const record = await clients.s3.send(new GetObjectCommand({ Bucket: STATE.bucket, Key: copyRecordKey(EXPIRED.suffix) }));
  expect(JSON.parse(await record.Body!.transformToString())).toEqual(EXPIRED);
  const keys = (await clients.s3.send(new ListObjectsV2Command({ Bucket: STATE.bucket }))).Contents!.map((object) => object.Key!);
  expect(keys.filter((key) => !key.startsWith(COPY_STATE_PREFIX))).toEqual([]);

  // a copy whose template was removed since: the reaper cannot synthesize it, and says so without stopping
  const stranded: CopyRecord = { template: 'qa', suffix: 'eph-stranded', expiresAt: '2026-12-01T00:00:00Z', createdBy: 'octocat' };
  await clients.s3.send(new PutObjectCommand({ Bucket: STATE.bucket, Key: copyRecordKey(stranded.suffix), Body: JSON.stringify(stranded) }));

  const listed = await runAsStep(['copies', '--now', NOW, '--environments', fixture], stepEnv);
  expect(listed.code).toBe(0);
  expect(listed.summary).toContain('3 copies, 2 expired');
  expect(listed.summary).toContain(`| eph-early | dev | 2026-12-04T10:00:00Z :hourglass: **expired** | octocat | #41 | ${REGION} | ${STATE.bucket} |`);
  expect(listed.summary).toContain(`| eph-late | dev | 2026-12-04T14:00:00Z | hubot |  | ${REGION} | ${STATE.bucket} |`);

  await recorded.beforeDestroy();
  const reaped = await runAsStep(['reap', '--now', NOW, '--target', emulator.name, '--environments', fixture], stepEnv);
  expect(reaped.code).toBe(1);
  expect(reaped.summary).toContain('| eph-early | dev | 2026-12-04T10:00:00Z | octocat | :white_check_mark: destroyed |');
  expect(reaped.summary).toContain('| eph-stranded | qa | 2026-12-01T00:00:00Z | octocat | :x: failed |');
  expect(reaped.summary).toContain('copy eph-stranded: template: no environment "qa"');
  expect(reaped.summary).not.toContain('eph-late');
  expect(reaped.summary).toContain('could not destroy eph-stranded (of 2)');
  expect(await standing(EXPIRED)).toEqual({ bucket: false, state: false, record: false });
  expect(await standing(ALIVE)).toEqual({ bucket: true, state: true, record: true });

  const destroyed = await runAsStep(['reap', '--suffix', ALIVE.suffix, '--confirm', ALIVE.suffix, '--target', emulator.name, '--environments', fixture], stepEnv);
  expect(destroyed).toMatchObject({ code: 0, summary: expect.stringContaining('| eph-late | dev | 2026-12-04T14:00:00Z | hubot | :white_check_mark: destroyed |') });
  expect(await standing(ALIVE)).toEqual({ bucket: false, state: false, record: false });
  // what is left is the copy that could not be destroyed, with its record for the next run (or a person)
  const left = (await clients.s3.send(new ListObjectsV2Command({ Bucket: STATE.bucket }))).Contents?.map((object) => object.Key) ?? [];
  expect(left).toEqual([copyRecordKey(stranded.suffix)]);
}, 20 * MINUTE);

recorded.test();
