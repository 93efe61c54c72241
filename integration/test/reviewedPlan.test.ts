/**
 * A reviewed plan's life on a real stack: dev's us-east-1 stack planned by the plan job (`npm run gitops -- plan
 * --save`, the plan stored in a state bucket), applied by the deploy job from the bucket alone, and refused when stale,
 * swapped or gone. The applied stack is then planned for destruction and after a changed VPC CIDR (which replaces the
 * VPC and what hangs off it), and the plan report (pull request comment, deploy summary) is checked on those real
 * plans. One apply serves both halves: applying a stack waits tens of seconds on the provider's propagation checks.
 * The pull request's comment lives in a fake of GitHub's REST API.
 */
import { CopyObjectCommand, CreateBucketCommand, DeleteBucketCommand, DeleteObjectCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { synth } from '../../infra/src/app';
import { plan, planText, run, showJson } from '../../infra/src/terraform/terraformCli';
import { readPlans } from '../../gitops/src/planComment';
import { digestOf, readRecord } from '../../gitops/src/planDigest';
import { COMMENT_LIMIT, renderComment, renderJobSummary, size, type StackPlan, SUMMARY_LIMIT, summarizePlan } from '../../gitops/src/planReport';
import { SAVED_PLAN_FILE } from '../../gitops/src/planStack';
import { HEAD_SHA, MERGE_SHA, pullRequestEvent, pushEvent, stepEnv } from '../../gitops/test/support/actionsEvents';
import { runAsStep } from '../../gitops/test/support/actionsRun';
import { fakePullRequest } from '../../gitops/test/support/fakePullRequest';
import { planAsSteps } from '../../gitops/test/support/planFixtures';
import { emptyBucket } from '../src/emptyBucket';
import { type Emulator, startEmulator } from '../src/emulator';
import { asRole, terraformAgent, type WorkflowRole } from '../src/principals';
import { destroyClients, type RegionClients, regionClients } from '../src/regionClients';
import type { SynthesizedJson } from '../src/synthesizedStack';
import { RecordedCalls } from './support/recordedCalls';

const STACK = 'dev-us-east-1';
const MINUTE = 60_000;
/**
 * A state bucket for saved plans. Emulator stacks keep local state, so the plan step is told where it is; not the
 * bootstrap's bucket name, which the bootstrap suite creates on a shared external emulator (LocalStack in Actions).
 */
const STATE_BUCKET = 'analytics-tfstate-reviewed-plan-test';
const OPTIONS = { artifact: 'pr-plans', runUrl: 'https://github.com/acme/analytics-platform/actions/runs/11223344' };
/** `npm run gitops -- plan` output folders: the plan job's, a later run's on the applied stack, after the CIDR change on the pull request and on main. */
const PLANS = { reviewed: 'plans', beforeCidr: 'plans-before-cidr', pullRequest: 'plans-cidr', deploy: 'plans-deploy' };

let emulator: Emulator;
let outdir: string;
let stackDir: string;
let clients: RegionClients;
let github: Awaited<ReturnType<typeof fakePullRequest>>;

/** A job's environment: the emulator for the SDK (AWS_ENDPOINT_URL), the role it runs as (its credentials), the workflow run. */
const job = (attempt: number, role: WorkflowRole) => ({
  AWS_ENDPOINT_URL: emulator.target.endpoint,
  ...asRole(role),
  GITHUB_RUN_ID: '16234567890',
  GITHUB_RUN_ATTEMPT: String(attempt),
});
const stackArgs = () => ['--stack', STACK, '--stacks-dir', path.join(outdir, 'stacks')];
const planJob = (attempt: number, out: string) => runAsStep(['plan', ...stackArgs(), '--out', path.join(outdir, out), '--save', '--plan-bucket', STATE_BUCKET], job(attempt, 'plan'));
const deployJob = (plans: string) => runAsStep(['deploy', ...stackArgs(), '--saved-plan', path.join(outdir, plans)], job(1, 'deploy-dev'));
/** Every call is checked against the role that makes it; the saved-plan bucket stands for the account's state bucket. */
const recorded = new RecordedCalls('reviewedPlan.test.ts', () => emulator, { bucketStandIns: { [STATE_BUCKET]: 'analytics-tfstate-123456789012' } });

beforeAll(async () => {
  outdir = mkdtempSync(path.join(tmpdir(), 'reviewed-plan-'));
  github = await fakePullRequest('acme', 'analytics-platform', 42);
  // @actions/github reads GITHUB_API_URL once, when the first step that talks to GitHub loads it
  process.env.GITHUB_API_URL = github.baseUrl;
  emulator = await startEmulator(process.env, { record: true });
  synth({ environments: ['dev'], outdir, target: emulator.target });
  stackDir = path.join(outdir, 'stacks', STACK);
  clients = regionClients(emulator.target.endpoint, 'us-east-1');
  await clients.s3.send(new CreateBucketCommand({ Bucket: STATE_BUCKET }));
}, 5 * MINUTE);

afterAll(async () => {
  delete process.env.GITHUB_API_URL;
  await github?.close();
  // an external emulator outlives this suite, and other suites deploy the same dev names: leave it as it was found
  if (clients && emulator && !emulator.owned) {
    const destroyed = await runAsStep(['destroy', ...stackArgs()]);
    if (destroyed.code !== 0) throw new Error(`could not destroy ${STACK} on ${emulator.target.endpoint}:\n${destroyed.summary}`);
    await emptyBucket(clients.s3, STATE_BUCKET);
    await clients.s3.send(new DeleteBucketCommand({ Bucket: STATE_BUCKET }));
  }
  if (clients) destroyClients(clients);
  await emulator?.stop();
  if (outdir) rmSync(outdir, { recursive: true, force: true });
}, 10 * MINUTE);

test('a reviewed plan: saved to the state bucket by the plan job, applied from there alone; stale, swapped or gone, refused', async () => {
  expect(await deployJob(PLANS.reviewed)).toMatchObject({
    code: 1,
    summary: expect.stringContaining(`${path.join(outdir, PLANS.reviewed)} not found: download the plan job's plan-${STACK} artifact`),
  });

  expect(await planJob(1, PLANS.reviewed)).toMatchObject({ code: 0, outputs: { changes: 'true' } });
  const planFile = path.join(stackDir, SAVED_PLAN_FILE);
  const key = `plans/dev/${STACK}/16234567890-1.tfplan`;
  const sha256 = createHash('sha256').update(readFileSync(planFile)).digest('hex');
  expect(JSON.parse(readFileSync(path.join(outdir, PLANS.reviewed, `${STACK}.saved-plan`), 'utf8'))).toEqual({ stack: STACK, bucket: STATE_BUCKET, region: 'us-east-1', key, sha256 });
  const stored = await clients.s3.send(new GetObjectCommand({ Bucket: STATE_BUCKET, Key: key }));
  expect(Buffer.from(await stored.Body!.transformToByteArray())).toEqual(readFileSync(planFile));
  // the deploy job's checkout holds no plan: only the record, and the bucket
  rmSync(planFile);

  const deployed = await deployJob(PLANS.reviewed);
  expect(deployed.summary).toMatch(/^### dev-us-east-1 outputs\n\n\| output \| value \|/);
  expect(deployed.summary).toContain('| s3_bucket_name_us_east_1 | `analytics-bucket-us-east-1-dev` |');
  expect(deployed.summary).toMatch(/\| sqs_queue_url_us_east_1 \| `http:\/\/[^`]+analytics-queue-us-east-1-dev` \|/);
  expect(deployed.summary).toMatch(/dev-us-east-1: applied the reviewed plan \(commit [0-9a-f]{12}\)\n/);
  expect(deployed.code).toBe(0);
  // a second apply of the same saved plan is refused by terraform: the state moved on since it was made
  expect(await deployJob(PLANS.reviewed)).toMatchObject({
    code: 1,
    summary: expect.stringMatching(/Saved plan is stale: another apply changed the state of dev-us-east-1 after this run planned it .* Re-run all jobs of this workflow run/),
  });

  // a fresh plan of the applied stack (not stale: terraform would apply it; emulator drift only, see the reference)
  // put over the reviewed one's key is refused by the record's sha256
  expect(await planJob(2, PLANS.beforeCidr)).toMatchObject({ code: 0 });
  await clients.s3.send(new CopyObjectCommand({ Bucket: STATE_BUCKET, Key: key, CopySource: `${STATE_BUCKET}/plans/dev/${STACK}/16234567890-2.tfplan` }));
  expect(await deployJob(PLANS.reviewed)).toMatchObject({
    code: 1,
    summary: expect.stringContaining(`s3://${STATE_BUCKET}/${key} is not the plan the plan job saved: its sha256 is `),
  });
  // expired (or deleted): plan again
  await clients.s3.send(new DeleteObjectCommand({ Bucket: STATE_BUCKET, Key: key }));
  expect(await deployJob(PLANS.reviewed)).toMatchObject({
    code: 1,
    summary: expect.stringContaining(`s3://${STATE_BUCKET}/${key} is gone: the state bucket's lifecycle expires saved plans once no approval can still be pending. Re-run the whole workflow to plan again.`),
  });
}, 15 * MINUTE);

describe('the plan report on real plans of the applied stack that destroy and replace', () => {
  let managed: string[];
  let destroyPlan: StackPlan;
  let replacePlan: StackPlan;
  let replaceChanges: string | undefined;

  beforeAll(async () => {
    // pull-request plans: the plan role
    process.env.TF_APPEND_USER_AGENT = terraformAgent('plan');
    managed = (await run(stackDir, ['state', 'list'])).stdout.split('\n').filter((address) => address !== '' && !address.startsWith('data.'));
    // the reviewed plan above must have applied: without a state there is nothing to destroy or replace
    expect(managed.length).toBeGreaterThan(20);

    const destroyed = await plan(stackDir, { out: 'destroy.tfplan', detailedExitcode: true, destroy: true, lock: false });
    expect(destroyed.code).toBe(2);
    destroyPlan = { stack: STACK, plan: await showJson(stackDir, 'destroy.tfplan'), text: planText(destroyed.stdout) };

    const file = path.join(stackDir, 'cdk.tf.json');
    const json = JSON.parse(readFileSync(file, 'utf8')) as SynthesizedJson;
    const vpc = Object.values(json.resource.aws_vpc!)[0]!;
    expect(vpc.cidr_block).toBe('10.20.0.0/16');
    vpc.cidr_block = '10.29.0.0/16';
    writeFileSync(file, JSON.stringify(json));
    const stacksDir = path.join(outdir, 'stacks');
    const steps = [...(await planAsSteps(stacksDir, [STACK], path.join(outdir, PLANS.pullRequest))), ...(await planAsSteps(stacksDir, [STACK], path.join(outdir, PLANS.deploy)))];
    expect(steps.map((s) => s.code)).toEqual([0, 0]);
    replaceChanges = steps[0]!.outputs.changes;
    replacePlan = readPlans(path.join(outdir, PLANS.pullRequest))[0]!;
  }, 10 * MINUTE);

  /** terraform's own count line, e.g. `Plan: 2 to add, 3 to change, 2 to destroy.` */
  function terraformCounts(text: string): [number, number, number] {
    const match = /^Plan: (\d+) to add, (\d+) to change, (\d+) to destroy\./m.exec(text);
    if (!match) throw new Error(`no Plan: line in\n${text.slice(-500)}`);
    return [Number(match[1]), Number(match[2]), Number(match[3])];
  }

  function countsAgreeWithTerraform({ stack, plan, text }: StackPlan): void {
    const { counts } = summarizePlan(stack, plan);
    expect([counts.add + counts.replace, counts.change, counts.destroy + counts.replace]).toEqual(terraformCounts(text));
  }

  /** The addresses the warning block lists for `effect`. */
  function warned(markdown: string, effect: 'destroy' | 'replace'): string[] {
    return [...markdown.matchAll(new RegExp(`^> - \`${STACK}\`: \\*\\*${effect}\\*\\* \`([^\`]+)\`$`, 'gm'))].map((m) => m[1]!);
  }

  test('plan -destroy: every resource in the state is in the warning block, the table counts them', () => {
    countsAgreeWithTerraform(destroyPlan);
    const comment = renderComment([destroyPlan], OPTIONS);
    expect(warned(comment, 'destroy').sort()).toEqual([...managed].sort());
    expect(comment).toContain(`> **${managed.length} resources will be destroyed or replaced:**`);
    expect(comment).toContain(`| \`${STACK}\` | 0 | 0 | 0 | ${managed.length} | 0 |`);
    expect(size(comment)).toBeLessThanOrEqual(COMMENT_LIMIT);
  });

  test('a new VPC CIDR: the VPC and its subnets replaced, listed in the warning block; the plan step said changes=true', () => {
    expect(replaceChanges).toBe('true');
    countsAgreeWithTerraform(replacePlan);
    const replaced = replacePlan.plan.resource_changes!.filter((c) => c.change.actions.length === 2).map((c) => c.address);
    expect(replaced.filter((address) => /^aws_(vpc|subnet)\./.test(address))).toHaveLength(3); // the VPC, a subnet per AZ
    const comment = renderComment([replacePlan], OPTIONS);
    expect(warned(comment, 'replace')).toEqual(replaced);
    expect(comment).toMatch(/^> \[!WARNING\]$/m);
  });

  test('a destroy too long to list in a comment (the real plan under 40 stack names): counted per stack, listed in the job summary', () => {
    const many = Array.from({ length: 40 }, (_, i) => ({ ...destroyPlan, stack: `${STACK}-${String(i).padStart(2, '0')}` }));
    const comment = renderComment(many, OPTIONS);
    expect(size(comment)).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(comment.match(/^> - `dev-us-east-1-\d\d`: \*\*\d+ destroyed, 0 replaced\*\*$/gm)).toHaveLength(40);
    expect(comment).toContain('> - the resources are listed in the [job summary]');
    expect(comment.match(/^\| `dev-us-east-1-\d\d` \| 0 \| 0 \| 0 \| \d+ \| 0 \|$/gm)).toHaveLength(40);

    const summary = renderJobSummary(many, OPTIONS);
    expect(size(summary)).toBeLessThanOrEqual(SUMMARY_LIMIT);
    expect(summary.match(/^> - `dev-us-east-1-\d\d`: \*\*destroy\*\* `/gm)).toHaveLength(40 * managed.length);
  });

  describe('after the merge, the deploy plan against the one the pull request showed (plan-comment --compare-reviewed)', () => {
    /** The pull request's run comments the plans in `dir`; the merge lands; the deploy run compares its own plan. */
    async function reviewThenDeploy(reviewedDir: string) {
      github.comments.length = 0;
      const pr = await runAsStep(['plan-comment', '--plans', path.join(outdir, reviewedDir)], stepEnv(outdir, pullRequestEvent()));
      expect(pr.code).toBe(0);
      github.state.merged = { headSha: HEAD_SHA, mergeCommitSha: MERGE_SHA };
      const deploy = await runAsStep(['plan-comment', '--plans', path.join(outdir, PLANS.deploy), '--compare-reviewed'], stepEnv(outdir, pushEvent(), 'push'));
      expect(deploy.code).toBe(0);
      return { comment: github.comments[0]!.body, deploy };
    }

    /** The report's first block after the heading, and whether it comes before the table. */
    function firstBlock(summary: string): string {
      const start = summary.indexOf('\n> [!') + 1;
      expect(start).toBeGreaterThan(0);
      expect(start).toBeLessThan(summary.indexOf('| Stack |'));
      return summary.slice(start, summary.indexOf('\n\n', start));
    }

    test('planned again after the merge, unchanged: "same as reviewed in #42", reviewed=same', async () => {
      const { comment, deploy } = await reviewThenDeploy(PLANS.pullRequest);
      // the record holds the real plan's changes, replaces and the emulator's permanent diffs alike
      expect(readRecord(comment)?.stacks[STACK]).toEqual(digestOf(summarizePlan(STACK, replacePlan.plan)));
      expect(readRecord(comment)?.stacks[STACK]?.length).toBeGreaterThan(3);
      expect(deploy.outputs.reviewed).toBe('same');
      expect(firstBlock(deploy.summary)).toMatch(/^> \[!NOTE\]\n> \*\*Same as reviewed in #42\*\* \(plan of commit `6dcb09b5b578`\): `dev-us-east-1` — /);
    });

    test('a later merge changed the CIDR after the review: what was not reviewed comes first, above the table; reviewed=different', async () => {
      const { deploy } = await reviewThenDeploy(PLANS.beforeCidr);
      expect(deploy.outputs.reviewed).toBe('different');
      const block = firstBlock(deploy.summary).split('\n');
      expect(block.slice(0, 3)).toEqual([
        '> [!CAUTION]',
        '> **Not the plan that was reviewed:** 1 stack plans other changes than the pull request showed. Approve only what you expect.',
        '> - `dev-us-east-1`, compared with #42 (plan of commit `6dcb09b5b578`):',
      ]);
      // read back from terraform's own JSON, not from the digest
      const replaced = replacePlan.plan.resource_changes!.filter((c) => c.change.actions.length === 2).map((c) => c.address);
      const notReviewed = block.filter((line) => line.startsWith('>   - planned now, not reviewed: '));
      const replacedNow = notReviewed.flatMap((line) => /^> {3}- planned now, not reviewed: \*\*replace\*\* `(.+)`$/.exec(line)?.[1] ?? []);
      expect(replacedNow.sort()).toEqual([...replaced].sort());
      expect(replaced.filter((address) => /^aws_(vpc|subnet)\./.test(address))).toHaveLength(3);
      // whatever the review showed that is not planned now was a change in the reviewed plan
      const changedBefore = readPlans(path.join(outdir, PLANS.beforeCidr))[0]!.plan.resource_changes!.filter((c) => !['no-op', 'read'].includes(c.change.actions.join(',')));
      const gone = block.flatMap((line) => /^> {3}- reviewed, not planned now: \*\*.+\*\* `(.+)`$/.exec(line)?.[1] ?? []);
      for (const address of gone) expect(changedBefore.map((c) => c.address)).toContain(address);
      expect(block).toHaveLength(3 + notReviewed.length + gone.length);
    });
  });
});

recorded.test();
