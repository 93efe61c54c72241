/**
 * An older commit is never applied over a newer one: each apply records the commit it applied next to the stack's state
 * (the state bucket under `applied/<environment>/<stack>.json`, or beside a local state file), and the next apply of
 * the stack goes ahead only when that commit is an ancestor of its own. Runs of two merges can reach a stack in either
 * order (one waits for an approval, one re-runs); the apply jobs' concurrency group only keeps them from overlapping.
 */
import { GetObjectCommand, NoSuchKey, PutObjectCommand } from '@aws-sdk/client-s3';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { z } from 'zod';
import { GitopsError } from './errors';
import { withS3 } from './s3Client';
import type { StackBackend } from './stackBackend';

const exec = promisify(execFile);

const APPLIED = z.object({ commit: z.string().regex(/^[0-9a-f]{40}$/), run: z.string().optional() });
export type AppliedCommit = z.infer<typeof APPLIED>;

/** Where the last applied commit of a stack is kept: with its state. */
export type AppliedRecordPlace = { readonly file: string } | { readonly bucket: string; readonly region: string; readonly key: string };

export const APPLIED_PREFIX = 'applied/';

export function appliedRecordPlace(backend: StackBackend, stackDir: string): AppliedRecordPlace {
  return backend.s3
    ? { bucket: backend.s3.bucket, region: backend.s3.region, key: `${APPLIED_PREFIX}${backend.environment}/${backend.stack}.json` }
    : { file: path.join(stackDir, 'applied-commit.json') };
}

const where = (place: AppliedRecordPlace) => ('file' in place ? place.file : `s3://${place.bucket}/${place.key}`);

export async function readAppliedCommit(place: AppliedRecordPlace): Promise<AppliedCommit | undefined> {
  let text: string;
  if ('file' in place) {
    if (!existsSync(place.file)) return undefined;
    text = readFileSync(place.file, 'utf8');
  } else {
    try {
      text = await withS3(place.region, async (s3) => (await s3.send(new GetObjectCommand({ Bucket: place.bucket, Key: place.key }))).Body!.transformToString());
    } catch (error) {
      if (error instanceof NoSuchKey) return undefined;
      throw new GitopsError(`could not read ${where(place)}, the commit last applied to the stack: ${(error as Error).name}: ${(error as Error).message}`);
    }
  }
  const parsed = APPLIED.safeParse(JSON.parse(text));
  if (!parsed.success) throw new GitopsError(`${where(place)} is not a record of an applied commit (${parsed.error.issues[0]?.message}); delete it to accept any commit once`);
  return parsed.data;
}

export async function recordAppliedCommit(place: AppliedRecordPlace, applied: AppliedCommit): Promise<void> {
  const body = `${JSON.stringify(applied)}\n`;
  if ('file' in place) return writeFileSync(place.file, body);
  await withS3(place.region, (s3) => s3.send(new PutObjectCommand({ Bucket: place.bucket, Key: place.key, Body: body, ContentType: 'application/json' })));
}

/** Whether `ancestor` is `commit` or one of its ancestors, by the checkout's history (it needs the whole of it). */
export async function isAncestor(ancestor: string, commit: string, cwd = process.cwd()): Promise<boolean> {
  try {
    await exec('git', ['merge-base', '--is-ancestor', ancestor, commit], { cwd });
    return true;
  } catch (error) {
    const { code, stderr } = error as { code?: number; stderr?: string };
    if (code === 1) return false;
    throw new GitopsError(`git cannot compare ${ancestor.slice(0, 12)} with ${commit.slice(0, 12)}: ${stderr?.trim() || (error as Error).message} (the deploy job's checkout needs the full history: fetch-depth: 0)`);
  }
}

/** Whether `commit` may be applied: it must contain the commit applied last (a newer one, or one of another line, is refused). */
export type OrderVerdict = { readonly apply: true; readonly last?: AppliedCommit } | { readonly apply: false; readonly reason: string };

export async function checkDeployOrder(stack: string, place: AppliedRecordPlace, commit: string, cwd?: string): Promise<OrderVerdict> {
  const last = await readAppliedCommit(place);
  if (!last || (await isAncestor(last.commit, commit, cwd))) return { apply: true, ...(last ? { last } : {}) };
  return {
    apply: false,
    reason:
      `${last.commit.slice(0, 12)} was applied to ${stack} last${last.run ? ` (run ${last.run})` : ''}, and this commit ${commit.slice(0, 12)} does not contain it: ` +
      `applying it would put older code over newer. Nothing to do here: the newer commit's run deploys ${stack}.`,
  };
}

/** The commit being deployed: the one the workflow run is for, else the checkout's HEAD. */
export async function deployedCommit(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Promise<string> {
  if (env.GITHUB_SHA) return env.GITHUB_SHA;
  try {
    return (await exec('git', ['rev-parse', 'HEAD'], { cwd })).stdout.trim();
  } catch (error) {
    throw new GitopsError(`cannot tell which commit is deployed: GITHUB_SHA is not set and git rev-parse HEAD failed (${(error as Error).message}); deploy from a git checkout`);
  }
}
