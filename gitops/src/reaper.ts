/**
 * The reaper: destroys on-demand copies, the expired ones (its schedule) or one by suffix (the destroy workflow).
 * Each copy is synthesized from its record into a directory of its own, every region with state is destroyed
 * (init + destroy), that region's state deleted, and the record last, once no state is left. A copy that fails keeps
 * its record and whatever state is left, so the next run tries again; it never stops the others.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { COPY_PREFIX, isCopySuffix, type CopyRecord } from '../../infra/src/config/ephemeralCopy';
import type { DeployTarget } from '../../infra/src/stacks/deployTarget';
import { stackName } from '../../infra/src/stacks/stackNames';
import { destroy, init } from '../../infra/src/terraform/terraformCli';
import { isExpired } from './copyListing';
import { deleteRecordIfNoState, deleteRegionState, type ListedCopy, readCopyRecord } from './copyRegistry';
import { DESTROY_LOCK_TIMEOUT } from './destroyCommand';
import { checkConfirmation } from './ephemeralGuard';
import { GitopsError } from './errors';

/** Which copies a run destroys: every one expired at `now`, or the one named (typed twice, as the destroy workflow asks). */
export type ReapSelection =
  | { readonly expiredAt: Date }
  /** `goneOk`: a copy that is not there (reaped already) is nothing to do, as when its pull request closes. */
  | { readonly suffix: string; readonly confirm: string | undefined; readonly goneOk?: boolean };

/** A copy with a readable record: the only kind the reaper touches (a record says it was made from a template). */
export type RecordedCopy = ListedCopy & { readonly record: CopyRecord };

const recorded = (copy: ListedCopy): copy is RecordedCopy => copy.record !== undefined;

/** The copies `selection` names among those listed; a named copy that is not one to reap is refused with the reason. */
export function copiesToReap(listed: readonly ListedCopy[], selection: ReapSelection): RecordedCopy[] {
  if ('expiredAt' in selection) return listed.filter(recorded).filter((copy) => isExpired(copy.record, selection.expiredAt));
  const { suffix, confirm } = selection;
  checkConfirmation(suffix, confirm);
  if (!isCopySuffix(suffix)) {
    throw new GitopsError(
      `refused: "${suffix}" is not an on-demand copy (their suffixes start with "${COPY_PREFIX}"); the reaper destroys copies only, an environment folder is destroyed by its own suffix`,
    );
  }
  const named = listed.filter((copy) => copy.suffix === suffix);
  if (named.length === 0 && selection.goneOk) return [];
  if (named.length === 0) throw new GitopsError(`refused: no copy ${suffix} in the state buckets of the templates: never deployed, or destroyed already (npm run gitops -- copies lists them)`);
  const unrecorded = named.find((copy) => !recorded(copy));
  if (unrecorded) throw new GitopsError(`refused: ${suffix} in s3://${unrecorded.bucket.bucket} was not made from a template (${unrecorded.problem}); destroy its resources by hand`);
  return named.filter(recorded);
}

/** What happened to one copy. */
export type ReapOutcome =
  | { readonly copy: RecordedCopy; readonly status: 'destroyed' }
  /** Extended (deployed again with a later expiry) after it was listed: left alone. */
  | { readonly copy: RecordedCopy; readonly status: 'extended'; readonly expiresAt: string }
  /** Its record stays, with the states of the regions in `left`, for the next run (or a person) to finish. */
  | { readonly copy: RecordedCopy; readonly status: 'failed'; readonly reason: string; readonly left: readonly string[] };

export interface ReapOptions {
  readonly environmentsDir: string;
  readonly target: DeployTarget;
  /** The ETL package (its built zip is part of every synthesized stack). @default 'etl' */
  readonly etlDir?: string;
  /** Reaping what expired by then: each record is read again just before its copy goes, and an extended copy stays. */
  readonly expiredAt?: Date;
}

/** Destroys each copy in turn; a failure is that copy's outcome, never an exception that stops the rest. */
export async function reapCopies(copies: readonly RecordedCopy[], options: ReapOptions): Promise<ReapOutcome[]> {
  const outcomes: ReapOutcome[] = [];
  for (const copy of copies) {
    // the run may have waited minutes on other copies: a re-dispatch or a preview push may have extended this one
    const current = options.expiredAt ? await readCopyRecord(copy.bucket, copy.suffix) : undefined;
    if (current && options.expiredAt && !isExpired(current, options.expiredAt)) outcomes.push({ copy, status: 'extended', expiresAt: current.expiresAt });
    else outcomes.push(await reapCopy(copy, options));
  }
  return outcomes;
}

async function reapCopy(copy: RecordedCopy, options: ReapOptions): Promise<ReapOutcome> {
  const outdir = mkdtempSync(path.join(os.tmpdir(), `reap-${copy.suffix}-`));
  const failures: string[] = [];
  const destroyed: string[] = [];
  try {
    // required for a destroy, not imported with the module: every gitops command loads this file through the command
    // table, and the app brings cdktf and every construct (~0.5 s of CPU). A relative import() needs a .js path under nodenext
    const { synth } = require('../../infra/src/app') as typeof import('../../infra/src/app');
    const built = synth({ copy: copy.record, outdir, target: options.target, environmentsDir: options.environmentsDir, etlDir: options.etlDir });
    const regions = new Set<string>(built.environments[0]!.regions.map((region) => region.name));
    // the regions side by side, as their matrix jobs deploy them: each destroy waits on its own Lambda ENIs
    await Promise.all(
      copy.regions.map(async (region) => {
        if (!regions.has(region)) {
          failures.push(`${region}: has state, but template ${copy.record.template} has no such region any more; destroy it by hand (or add the region back)`);
          return;
        }
        try {
          const dir = path.join(outdir, 'stacks', stackName(copy.suffix, region));
          await init(dir);
          process.stdout.write((await destroy(dir, { lockTimeout: DESTROY_LOCK_TIMEOUT })).stdout);
          await deleteRegionState(copy.bucket, copy.suffix, region);
          destroyed.push(region);
        } catch (error) {
          failures.push(`${region}: ${(error as Error).message}`);
        }
      }),
    );
    failures.sort();
    // the record goes last, and only when every region is gone: until then it is how the next run finds the copy
    if (failures.length === 0) {
      const left = await deleteRecordIfNoState(copy.bucket, copy.suffix);
      if (left.length === 0) return { copy, status: 'destroyed' };
      failures.push(`state appeared in ${left.join(', ')} while it was destroyed (a deploy of ${copy.suffix} running?); the next run destroys it`);
    }
  } catch (error) {
    failures.push((error as Error).message);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
  return { copy, status: 'failed', reason: failures.join('\n'), left: copy.regions.filter((region) => !destroyed.includes(region)) };
}
