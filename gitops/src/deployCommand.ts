import * as core from '@actions/core';
import path from 'node:path';
import { loadEnvironments } from '../../infra/src/config/loadEnvironments';
import { apply, init, outputs, plan, TerraformError } from '../../infra/src/terraform/terraformCli';
import { writeSummary } from './actionsIo';
import type { Command } from './command';
import { putCopyRecord } from './copyRegistry';
import { appliedRecordPlace, checkDeployOrder, deployedCommit, recordAppliedCommit } from './deployOrder';
import { GitopsError } from './errors';
import { parseFlags } from './flags';
import { SAVED_PLAN_FILE } from './planStack';
import { restorePlan } from './savedPlanStore';
import { readStackBackend } from './stackBackend';
import { STACK_FLAGS, STACK_FLAGS_USAGE, stackDirectory } from './stackFlags';
import { stackOutputsSummary } from './stackOutputsSummary';

const USAGE = `npm run gitops -- deploy ${STACK_FLAGS_USAGE} [--saved-plan plans] [--environments environments]`;
const PLAN_FILE = 'deploy.tfplan';

/**
 * init, plan to a file, apply exactly that plan (only when it has changes), then the stack's outputs to the job
 * summary. Applying the saved plan means what ran is what the log shows, even if the account changed meanwhile.
 * `--saved-plan <folder>`: apply the plan an earlier job saved with `gitops plan --save` (the one the approvers read),
 * fetched from the state bucket and checked against its record's sha256; terraform refuses it if the state changed
 * since. Never applies a commit that does not contain the one applied to the stack last (deployOrder.ts): that run
 * stops with a notice, since the newer commit's run deploys the stack. Ephemeral environments take any commit: a copy
 * deployed from one branch and then from another is what they are for. An on-demand copy's stack (its tags say so)
 * first writes the copy's record to the registry (copyRegistry.ts) and keeps no applied commit: its role reaches only
 * the copies' prefix of the state bucket, and any commit goes.
 */
export const deployCommand: Command = {
  usage: USAGE,
  async run(argv) {
    const flags = parseFlags(USAGE, argv, { ...STACK_FLAGS, 'saved-plan': { type: 'string' }, environments: { type: 'string', default: 'environments' } }, ['stack']);
    const { stack, dir } = stackDirectory(flags);
    const commit = await deployedCommit();
    const backend = readStackBackend({ stack, dir });
    const place = appliedRecordPlace(backend, dir);
    if (backend.copy) {
      // before anything is applied: a half-applied copy is still listed and reaped
      await putCopyRecord(backend.copy.bucket, backend.copy.record);
    } else {
      // a stack of no known environment is held to the order too
      const ephemeral = loadEnvironments(flags.environments).find((env) => env.name === backend.environment)?.ephemeral ?? false;
      const order = ephemeral ? { apply: true as const } : await checkDeployOrder(stack, place, commit);
      if (!order.apply) {
        core.notice(order.reason);
        writeSummary(`### ${stack}: not applied\n\n${order.reason}\n`);
        return;
      }
    }
    const record = flags['saved-plan'];
    if (record !== undefined) await restorePlan(record, stack, path.join(dir, SAVED_PLAN_FILE));
    await init(dir);
    const verdict = record !== undefined ? await applySavedPlan(dir, stack) : await planAndApply(dir, stack);
    if (!backend.copy) await recordAppliedCommit(place, { commit, ...(process.env.GITHUB_RUN_ID ? { run: process.env.GITHUB_RUN_ID } : {}) });
    const copy = backend.copy ? `; copy of ${backend.copy.record.template}, reaped after ${backend.copy.record.expiresAt}` : '';
    writeSummary(`${stackOutputsSummary(stack, await outputs(dir))}\n${stack}: ${verdict} (commit ${commit.slice(0, 12)})${copy}\n`);
  },
};

/** The reviewed plan; stale when another apply changed the state after it was made, and then only a new plan will do. */
async function applySavedPlan(dir: string, stack: string): Promise<string> {
  try {
    return await applyPlan(dir, SAVED_PLAN_FILE, 'applied the reviewed plan');
  } catch (error) {
    if (!(error instanceof TerraformError && /Saved plan is stale/.test(error.message))) throw error;
    throw new GitopsError(
      `Saved plan is stale: another apply changed the state of ${stack} after this run planned it (e.g. another merge's run applied first), ` +
        'so terraform refuses it and nothing was applied. Re-run all jobs of this workflow run, which plans again for a new approval.',
    );
  }
}

async function applyPlan(dir: string, planFile: string, verdict: string): Promise<string> {
  process.stdout.write((await apply(dir, { planFile })).stdout);
  return verdict;
}

/** Plans to a file and applies exactly that plan, only when it has changes. */
async function planAndApply(dir: string, stack: string): Promise<string> {
  const planned = await plan(dir, { out: PLAN_FILE, detailedExitcode: true });
  process.stdout.write(planned.stdout);
  if (planned.code === 1) throw new TerraformError(`terraform plan failed for ${stack}:\n${planned.stderr.trim()}`, planned);
  return planned.code === 2 ? applyPlan(dir, PLAN_FILE, 'applied') : 'no changes';
}
