/**
 * Every stack of every shipped environment through the real terraform CLI and AWS provider:
 * init, plan (against the emulator target, so no AWS call; plan validates the configuration first, so a separate
 * `terraform validate` would only start the provider once more), then checks on `show -json` of the plan.
 *
 * Providers: TF_PROVIDER_MIRROR (see src/terraform/terraformCli.ts) serves every init through `-plugin-dir`, which
 * links the ~700 MB provider instead of copying it. Without it the first init downloads from the registry and the
 * other stacks link to that copy. No terraform or no provider fails the tests with the runner's message; nothing skips.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { synth } from '../src/app';
import { loadEnvironments } from '../src/config/loadEnvironments';
import { regionKey } from '../src/config/regions';
import { stackName } from '../src/stacks/RegionalStack';
import { init, plan, showJson, type PlanJson, type ResourceChange } from '../src/terraform/terraformCli';
import { emulatorTarget } from '../src/stacks/deployTarget';
import { testEtlDir } from './support/testEtl';

const ROOT = path.resolve(__dirname, '..', '..');
const ENVIRONMENTS_DIR = path.join(ROOT, 'environments');
const PLAN_FILE = 'tfplan';

/** Measured on 2 cores for the 9 stacks: 1 lane 210 s, 2 lanes 127 s, 3 lanes 119 s but ~40 s a stack instead of ~25 s. */
const LANES = 2;
/** One stack alone takes ~16 s (init 1, plan 12, show 3); a test waits for at most about one stack per lane. */
const STACK_TIMEOUT_MS = 120_000;
/** Synth, plus a first init that may download the provider from the registry. */
const SETUP_TIMEOUT_MS = 300_000;

const REQUIRED_TAGS = ['Environment', 'Region', 'Application', 'ManagedBy', 'EtlVersion'];

/** Resource kinds each regional stack creates, with how many at least. */
const AT_LEAST: Record<string, number> = {
  aws_vpc: 1,
  aws_subnet: 2, // one per availability zone, and Lambda wants two
  aws_s3_bucket: 1,
  aws_lambda_function: 1,
  aws_dynamodb_table: 1,
  aws_cloudwatch_event_rule: 1,
  aws_cloudwatch_dashboard: 1,
  aws_iam_role: 1,
  aws_lambda_event_source_mapping: 1,
};
/** Kinds whose count is part of the design: work queue + dead-letter queue; errors, depth, oldest message, DLQ alarms. */
const EXACTLY: Record<string, number> = { aws_sqs_queue: 2, aws_cloudwatch_metric_alarm: 4 };
/** The one expected kind without tags: AWS has no tags on CloudWatch dashboards (provider 5.x has no tags_all for it). */
const UNTAGGABLE = new Set(['aws_cloudwatch_dashboard']);

const STACKS = loadEnvironments(ENVIRONMENTS_DIR).flatMap((env) =>
  env.regions.map((region) => ({ name: stackName(env.name, region.name), environment: env.name, region: region.name, suffix: env.suffix })),
);

let outdir: string | undefined;
const plans = new Map<string, Promise<PlanJson>>();
let allDone: Promise<unknown> = Promise.resolve();

beforeAll(async () => {
  outdir = mkdtempSync(path.join(os.tmpdir(), 'terraform-plan-'));
  synth({
    environmentsDir: ENVIRONMENTS_DIR,
    etlDir: testEtlDir(ENVIRONMENTS_DIR),
    outdir,
    target: emulatorTarget('localstack', 'http://127.0.0.1:4566'),
  });
  const dirs = new Map(STACKS.map((s) => [s.name, path.join(outdir!, 'stacks', s.name)]));
  const first = dirs.get(STACKS[0]!.name)!;
  // fails here, before any stack test runs, when terraform or the provider is missing
  await init(first);
  const pluginDir = process.env.TF_PROVIDER_MIRROR || path.join(first, '.terraform', 'providers');

  // Stacks run in lanes from here on; each test awaits its own stack, so a test times out on one stack, not on all.
  const lanes: Promise<unknown>[] = Array.from({ length: LANES }, () => Promise.resolve());
  STACKS.forEach(({ name }, i) => {
    const dir = dirs.get(name)!;
    const planned = lanes[i % LANES]!.then(() => planStack(dir, dir === first ? undefined : pluginDir));
    // the catch marks the rejection handled (the stack's test reports it) and keeps the lane going
    lanes[i % LANES] = planned.catch(() => undefined);
    plans.set(name, planned);
  });
  allDone = Promise.all(lanes);
}, SETUP_TIMEOUT_MS);

afterAll(async () => {
  // terraform may still be running in a lane whose test timed out
  await allDone;
  if (outdir) rmSync(outdir, { recursive: true, force: true });
}, SETUP_TIMEOUT_MS);

/** init (unless done in setup; re-initialising the first stack from its own providers would remove them), plan, show. */
async function planStack(dir: string, pluginDir: string | undefined): Promise<PlanJson> {
  if (pluginDir) await init(dir, { pluginDir });
  const result = await plan(dir, { out: PLAN_FILE, detailedExitcode: true });
  // 2 = changes; the local state is empty, so the plan must create the stack (0 = nothing to do, 1 = error)
  if (result.code !== 2) {
    throw new Error(`terraform plan -detailed-exitcode in ${dir} exited ${result.code}, expected 2 (changes to create):\n${result.stderr}`);
  }
  return showJson(dir, PLAN_FILE);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Why a resource's tags_all falls short, or undefined for resources without tags_all. */
function tagProblem(change: ResourceChange, environment: string, region: string): string | undefined {
  const { after, after_unknown: unknown } = change.change;
  // values only known after apply are left out of `after` and marked true in `after_unknown`
  if (isRecord(unknown) && unknown.tags_all === true) return `${change.address}: tags_all unknown at plan time, cannot be checked`;
  if (!isRecord(after) || !('tags_all' in after)) return undefined;
  const tags = isRecord(after.tags_all) ? after.tags_all : {};
  const missing = REQUIRED_TAGS.filter((key) => !(key in tags));
  if (missing.length > 0) return `${change.address}: tags_all lacks ${missing.join(', ')}`;
  if (tags.Environment !== environment || tags.Region !== region) {
    return `${change.address}: tags_all has Environment=${String(tags.Environment)} Region=${String(tags.Region)}`;
  }
  return undefined;
}

function isTaggable(change: ResourceChange): boolean {
  const { after, after_unknown: unknown } = change.change;
  return (isRecord(after) && 'tags_all' in after) || (isRecord(unknown) && 'tags_all' in unknown);
}

describe('terraform plan of every stack (emulator target, real provider, no AWS call)', () => {
  test.each(STACKS)(
    '$name: init, plan creates the regional platform, every taggable resource tagged',
    async ({ name, environment, region, suffix }) => {
      const json = await plans.get(name)!;
      const changes = json.resource_changes ?? [];

      // (a) a fresh state: only creates, never a delete or replace
      const notCreate = changes.filter((c) => c.change.actions.join() !== 'create').map((c) => `${c.address}: ${c.change.actions.join('+')}`);
      expect(notCreate).toEqual([]);

      // (b) the kinds the platform is made of
      const counts = new Map<string, number>();
      for (const c of changes) counts.set(c.type, (counts.get(c.type) ?? 0) + 1);
      const short = Object.entries(AT_LEAST)
        .filter(([type, min]) => (counts.get(type) ?? 0) < min)
        .map(([type, min]) => `${type}: ${counts.get(type) ?? 0}, expected at least ${min}`);
      expect(short).toEqual([]);
      expect(Object.fromEntries(Object.keys(EXACTLY).map((type) => [type, counts.get(type) ?? 0]))).toEqual(EXACTLY);

      // (c) provider 5.100.0 resolves default tags into tags_all at plan time, so the planned values show the tags
      // each resource will carry; an unknown tags_all would fail here rather than pass unchecked
      expect(changes.flatMap((c) => tagProblem(c, environment, region) ?? [])).toEqual([]);
      const taggedKinds = new Set(changes.filter(isTaggable).map((c) => c.type));
      const expectedTagged = [...Object.keys(AT_LEAST), ...Object.keys(EXACTLY)].filter((type) => !UNTAGGABLE.has(type));
      expect(expectedTagged.filter((type) => !taggedKinds.has(type))).toEqual([]); // the check above was not vacuous

      // (d) the outputs the workflows and the integration suite read
      const key = regionKey(region);
      const outputs = json.output_changes ?? {};
      const outputNames = ['s3_bucket_name', 'lambda_function_arn', 'dynamodb_table_name', 'sqs_queue_url', 'vpc_id'].map((n) => `${n}_${key}`);
      expect(outputNames.filter((n) => outputs[n]?.actions.join() !== 'create')).toEqual([]);
      expect(outputs[`s3_bucket_name_${key}`]?.after).toBe(`analytics-bucket-${region}-${suffix}`);
    },
    STACK_TIMEOUT_MS,
  );
});
