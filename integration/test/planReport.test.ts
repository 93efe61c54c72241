/**
 * The plan report on real plans that destroy and replace: dev's us-east-1 stack applied to moto, then planned for
 * destruction (`plan -destroy`), by `npm run gitops -- plan` as it is (what a pull request reviewed), and twice after a
 * changed VPC CIDR in the synthesized JSON (a new CIDR replaces the VPC and what hangs off it): once as a pull request
 * plans it, once as the deploy after the merge does. The plans live in a temp dir only; the pull request's comment
 * lives in a fake of GitHub's REST API.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { emulatorTarget } from '../../infra/src/stacks/deployTarget';
import { plan, run, showJson, showText } from '../../infra/src/terraform/terraformCli';
import { readPlans } from '../../gitops/src/planComment';
import { digestOf, readRecord } from '../../gitops/src/planDigest';
import { COMMENT_LIMIT, renderComment, renderJobSummary, size, type StackPlan, SUMMARY_LIMIT, summarizePlan } from '../../gitops/src/planReport';
import { HEAD_SHA, MERGE_SHA, pullRequestEvent, pushEvent, stepEnv } from '../../gitops/test/support/actionsEvents';
import { runAsStep } from '../../gitops/test/support/actionsRun';
import { fakePullRequest } from '../../gitops/test/support/fakePullRequest';
import { planAsSteps } from '../../gitops/test/support/planFixtures';
import { deployEnvironment } from '../src/deployment';
import { type MotoServer, startMotoServer } from '../src/motoServer';
import type { SynthesizedJson } from '../src/synthesizedStack';

const STACK = 'dev-us-east-1';
const MINUTE = 60_000;
const OPTIONS = { artifact: 'pr-plans', runUrl: 'https://github.com/acme/analytics-platform/actions/runs/11223344' };

let moto: MotoServer;
let outdir: string;
let managed: string[];
let destroyPlan: StackPlan;
let replacePlan: StackPlan;
let replaceChanges: string | undefined;
let github: Awaited<ReturnType<typeof fakePullRequest>>;
/** `npm run gitops -- plan` output folders: before the CIDR change, after it on the pull request, after it on main. */
const PLANS = { beforeCidr: 'plans-before-cidr', pullRequest: 'plans', deploy: 'plans-deploy' };

beforeAll(async () => {
  outdir = mkdtempSync(path.join(tmpdir(), 'plan-report-'));
  github = await fakePullRequest('acme', 'analytics-platform', 42);
  // @actions/github reads GITHUB_API_URL once, when the first step that talks to GitHub loads it
  process.env.GITHUB_API_URL = github.baseUrl;
  moto = await startMotoServer();
  const deployment = await deployEnvironment({ environment: 'dev', regions: ['us-east-1'], target: emulatorTarget('moto', moto.endpoint), outdir });
  const dir = deployment.regions[0]!.stack.dir;
  managed = (await run(dir, ['state', 'list'])).stdout.split('\n').filter((address) => address !== '' && !address.startsWith('data.'));

  const destroyed = await plan(dir, { out: 'destroy.tfplan', detailedExitcode: true, destroy: true, lock: false });
  expect(destroyed.code).toBe(2);
  destroyPlan = { stack: STACK, plan: await showJson(dir, 'destroy.tfplan'), text: await showText(dir, 'destroy.tfplan') };

  // as applied: moto's known permanent diffs only (see reference: bucket notification, redrive policy spacing)
  const [before] = await planAsSteps(path.join(outdir, 'stacks'), [STACK], path.join(outdir, PLANS.beforeCidr));
  expect(before!.code).toBe(0);

  const file = path.join(dir, 'cdk.tf.json');
  const json = JSON.parse(readFileSync(file, 'utf8')) as SynthesizedJson;
  const vpc = Object.values(json.resource.aws_vpc!)[0]!;
  expect(vpc.cidr_block).toBe('10.20.0.0/16');
  vpc.cidr_block = '10.29.0.0/16';
  writeFileSync(file, JSON.stringify(json));
  const steps = [...(await planAsSteps(path.join(outdir, 'stacks'), [STACK], path.join(outdir, PLANS.pullRequest))), ...(await planAsSteps(path.join(outdir, 'stacks'), [STACK], path.join(outdir, PLANS.deploy)))];
  expect(steps.map((s) => s.code)).toEqual([0, 0]);
  replaceChanges = steps[0]!.outputs.changes;
  replacePlan = readPlans(path.join(outdir, PLANS.pullRequest))[0]!;
}, 15 * MINUTE);

afterAll(async () => {
  delete process.env.GITHUB_API_URL;
  await github?.close();
  // the state lives in moto and the temp dir: stopping one and removing the other leaves nothing behind
  await moto?.stop();
  if (outdir) rmSync(outdir, { recursive: true, force: true });
}, MINUTE);

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
    // the record holds the real plan's changes, replaces and moto's permanent diffs alike
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
