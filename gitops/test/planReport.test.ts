/**
 * The plan report on real plans: one stack of each shipped environment synthesized for an emulator endpoint nothing
 * listens on (a plan of new resources makes no AWS call; see infra/test/terraformPlan.test.ts), planned by
 * `npm run gitops -- plan` with the real terraform CLI and AWS provider. The plans live in a temp dir only. These three
 * stacks get terraformPlan.test.ts's checks here (it plans the others), so no stack is planned twice.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { synth } from '../../infra/src/app';
import { checkStackPlan, REPORT_STACKS, SHIPPED_STACKS } from '../../infra/test/support/stackPlanChecks';
import { testEtlDir } from '../../infra/test/support/testEtl';
import { emulatorTarget } from '../../infra/src/stacks/deployTarget';
import { type PlanJson, showJson } from '../../infra/src/terraform/terraformCli';
import { digestOf, readRecord } from '../src/planDigest';
import { readPlans } from '../src/planComment';
import { COMMENT_LIMIT, renderComment, renderJobSummary, REPORT_MARKER, size, type StackPlan, SUMMARY_LIMIT, summarizePlan } from '../src/planReport';
import { SAVED_PLAN_FILE } from '../src/planStack';
import { planAsSteps } from './support/planFixtures';

const ROOT = path.resolve(__dirname, '..', '..');
const STACKS = REPORT_STACKS;
const OPTIONS = { artifact: 'plan-<stack>', runUrl: 'https://github.com/acme/analytics-platform/actions/runs/11223344', commit: '6dcb09b5b57875f3' };

let tmp: string;
let plans: StackPlan[];
/** terraform's whole JSON of each saved plan: the step's own JSON is reduced to what a report needs. */
const fullPlans = new Map<string, PlanJson>();

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'plan-report-'));
  synth({ environmentsDir: path.join(ROOT, 'environments'), etlDir: testEtlDir(path.join(ROOT, 'environments')), outdir: tmp, target: emulatorTarget('localstack', 'http://127.0.0.1:4566') });
  const runs = await planAsSteps(path.join(tmp, 'stacks'), STACKS, path.join(tmp, 'plans'));
  expect(runs.map((r) => [r.code, r.outputs.changes])).toEqual(STACKS.map(() => [0, 'true']));
  plans = readPlans(path.join(tmp, 'plans'));
  for (const stack of STACKS) fullPlans.set(stack, await showJson(path.join(tmp, 'stacks', stack), SAVED_PLAN_FILE));
}, 300_000);

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

test.each(SHIPPED_STACKS.filter((stack) => STACKS.includes(stack.name)))('$name: the plan creates the regional platform, every taggable resource tagged', (stack) => {
  checkStackPlan(fullPlans.get(stack.name)!, stack);
});

/** terraform's own count line of a plan text, e.g. `Plan: 52 to add, 0 to change, 0 to destroy.` */
function terraformCounts(text: string): [number, number, number] {
  const match = /^Plan: (\d+) to add, (\d+) to change, (\d+) to destroy\./m.exec(text);
  if (!match) throw new Error(`no Plan: line in\n${text.slice(-500)}`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

/** The lines from the table's header to the line before the first stack section. */
function tableAndWarning(markdown: string): string {
  return markdown.slice(markdown.indexOf('| Stack |'), markdown.indexOf('<details>'));
}

/** What the comment records of `plans`: each stack's digest, which a deploy compares its own plans with. */
function recordOf(plans: readonly StackPlan[]) {
  return { commit: OPTIONS.commit, stacks: Object.fromEntries(plans.map((p) => [p.stack, digestOf(summarizePlan(p.stack, p.plan))])) };
}

/** Each stack's section, from `<details>` to `</details>`. */
function sections(markdown: string): string[] {
  return [...markdown.matchAll(/<details>[\s\S]*?\n<\/details>/g)].map((m) => m[0]);
}

test('the counts agree with terraform: add + replace = to add, change = to change, destroy + replace = to destroy', () => {
  expect(plans.map((p) => p.stack).sort()).toEqual([...STACKS].sort());
  for (const { stack, plan, text } of plans) {
    const { counts } = summarizePlan(stack, plan);
    expect([stack, counts.add + counts.replace, counts.change, counts.destroy + counts.replace]).toEqual([stack, ...terraformCounts(text)]);
    expect(counts.add).toBeGreaterThan(30); // the whole regional platform
  }
});

test('new stacks: a table row each, no warning block', () => {
  const comment = renderComment(plans, OPTIONS);
  for (const { stack, text } of plans) expect(comment).toContain(`| \`${stack}\` | ${terraformCounts(text)[0]} | 0 | 0 | 0 | 0 |`);
  expect(comment).not.toContain('[!WARNING]');
});

test('three full plans exceed a comment: cut to fit, the table and the record intact, every section cut with a note that points to its plan text', () => {
  const summary = renderJobSummary(plans, OPTIONS);
  expect(size(summary)).toBeGreaterThan(COMMENT_LIMIT); // otherwise nothing below is exercised

  const comment = renderComment(plans, OPTIONS);
  expect(comment.length).toBeLessThanOrEqual(COMMENT_LIMIT);
  expect(size(comment)).toBeLessThanOrEqual(COMMENT_LIMIT);
  expect(comment.startsWith(`${REPORT_MARKER}\n`)).toBe(true);
  expect(readRecord(comment)).toEqual(recordOf(plans));
  expect(size(comment.split('\n')[1]!)).toBeLessThan(4_096); // the record of ~150 resources in 3 stacks
  expect(tableAndWarning(comment)).toBe(tableAndWarning(summary));
  expect(comment).not.toMatch(/saved|tfplan/); // the binary plan is no place to read a plan
  const cut = sections(comment);
  expect(cut).toHaveLength(3);
  for (const [i, section] of cut.entries()) {
    const stack = [...STACKS].sort()[i]!;
    expect(section).toContain(`_… truncated: the full plan text is in the [job summary](https://github.com/acme/analytics-platform/actions/runs/11223344) or artifact \`plan-${stack}\`, file \`${stack}.txt\`_`);
    expect(section.match(/^```/gm)?.length ?? 0).toBe(2); // the code block is closed again
    expect(section.length).toBeGreaterThan(COMMENT_LIMIT / 4); // the budget is shared, not wasted
  }
});

test('the job summary holds every full plan', () => {
  const summary = renderJobSummary(plans, OPTIONS);
  expect(size(summary)).toBeLessThanOrEqual(SUMMARY_LIMIT);
  for (const { text } of plans) expect(summary).toContain(text.trimEnd());
  expect(summary).not.toContain('truncated');
});

test('more stacks than a job summary holds (the real plans under 40 stack names): cut to 1 MiB, all rows kept', () => {
  const many = Array.from({ length: 40 }, (_, i) => plans.map((p) => ({ ...p, stack: `${p.stack}-${String(i).padStart(2, '0')}` }))).flat();
  const summary = renderJobSummary(many, OPTIONS);
  expect(size(summary)).toBeLessThanOrEqual(SUMMARY_LIMIT);
  expect(summary.match(/^\| `.*` \| \d+ \| 0 \| 0 \| 0 \| 0 \|$/gm)).toHaveLength(120);
  expect(summary).toContain('_… truncated: the full plan text is in the artifact `plan-dev-us-east-1-39`, file `dev-us-east-1-39.txt`_');

  const comment = renderComment(many, OPTIONS);
  expect(size(comment)).toBeLessThanOrEqual(COMMENT_LIMIT);
  expect(readRecord(comment)).toEqual(recordOf(many));
  expect(comment.match(/^\| `.*` \| \d+ \| 0 \| 0 \| 0 \| 0 \|$/gm)).toHaveLength(120);
});
