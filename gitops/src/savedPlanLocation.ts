/**
 * Where `gitops plan --save` keeps a stack's plan: in the state bucket of the stack's own S3 backend (so no workflow
 * names a bucket), at `plans/<environment>/<stack>/<run id>-<run attempt>.tfplan`. The environment is what the deploy
 * roles' read access keys on; the run keeps a re-run from overwriting the plan an approval is pending on.
 */
import { savedPlansPrefix } from '../../infra/src/constructs/stateStoreKeys';
import { GitopsError } from './errors';
import type { StackBackend } from './stackBackend';

export interface SavedPlanLocation {
  readonly bucket: string;
  readonly region: string;
  readonly key: string;
}

/** `<GITHUB_RUN_ID>-<GITHUB_RUN_ATTEMPT>`: Actions sets both; outside it, whoever runs the command does. */
function workflowRun(env: NodeJS.ProcessEnv): string {
  const { GITHUB_RUN_ID: id, GITHUB_RUN_ATTEMPT: attempt } = env;
  if (!id || !attempt) {
    throw new GitopsError('GITHUB_RUN_ID and GITHUB_RUN_ATTEMPT name the saved plan; outside GitHub Actions set both (e.g. GITHUB_RUN_ID=local GITHUB_RUN_ATTEMPT=1)');
  }
  const run = `${id}-${attempt}`;
  if (!/^[\w.-]+$/.test(run)) throw new GitopsError(`GITHUB_RUN_ID and GITHUB_RUN_ATTEMPT may hold only letters, digits, _ . and -, not "${run}"`);
  return run;
}

/**
 * The location of the stack's plan for the current run. `planBucket` replaces the backend's bucket (in the stack's
 * region): stacks synthesized for an emulator keep local state, so there is no backend bucket to default to.
 */
export function savedPlanLocation(backend: StackBackend, planBucket?: string, env: NodeJS.ProcessEnv = process.env): SavedPlanLocation {
  const bucket = planBucket ? { bucket: planBucket, region: backend.region } : backend.s3;
  if (!bucket) throw new GitopsError(`${backend.stack} keeps local state (synthesized for an emulator): give --plan-bucket <bucket> to save its plan`);
  return { ...bucket, key: `${savedPlansPrefix(backend.environment)}${backend.stack}/${workflowRun(env)}.tfplan` };
}
