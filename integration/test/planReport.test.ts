/**
 * The plan report on real plans that destroy and replace: dev's us-east-1 stack applied to moto, then planned for
 * destruction (`plan -destroy`) and, after a changed VPC CIDR in the synthesized JSON, by `npm run gitops -- plan`
 * (a new CIDR replaces the VPC and what hangs off it). The plans live in a temp dir only.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { emulatorTarget } from '../../infra/src/stacks/deployTarget';
import { plan, run, showJson, showText } from '../../infra/src/terraform/terraformCli';
import { readPlans } from '../../gitops/src/planComment';
import { COMMENT_LIMIT, renderComment, renderJobSummary, size, type StackPlan, SUMMARY_LIMIT, summarizePlan } from '../../gitops/src/planReport';
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

beforeAll(async () => {
  outdir = mkdtempSync(path.join(tmpdir(), 'plan-report-'));
  moto = await startMotoServer();
  const deployment = await deployEnvironment({ environment: 'dev', regions: ['us-east-1'], target: emulatorTarget('moto', moto.endpoint), outdir });
  const dir = deployment.regions[0]!.stack.dir;
  managed = (await run(dir, ['state', 'list'])).stdout.split('\n').filter((address) => address !== '' && !address.startsWith('data.'));

  const destroyed = await plan(dir, { out: 'destroy.tfplan', detailedExitcode: true, destroy: true, lock: false });
  expect(destroyed.code).toBe(2);
  destroyPlan = { stack: STACK, plan: await showJson(dir, 'destroy.tfplan'), text: await showText(dir, 'destroy.tfplan') };

  const file = path.join(dir, 'cdk.tf.json');
  const json = JSON.parse(readFileSync(file, 'utf8')) as SynthesizedJson;
  const vpc = Object.values(json.resource.aws_vpc!)[0]!;
  expect(vpc.cidr_block).toBe('10.20.0.0/16');
  vpc.cidr_block = '10.29.0.0/16';
  writeFileSync(file, JSON.stringify(json));
  const [step] = await planAsSteps(path.join(outdir, 'stacks'), [STACK], path.join(outdir, 'plans'));
  expect(step!.code).toBe(0);
  replaceChanges = step!.outputs.changes;
  replacePlan = readPlans(path.join(outdir, 'plans'))[0]!;
}, 15 * MINUTE);

afterAll(async () => {
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
