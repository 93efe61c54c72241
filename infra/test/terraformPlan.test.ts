/**
 * Every stack of every shipped environment through the real terraform CLI and AWS provider:
 * init, plan (against the emulator target, so no AWS call; plan validates the configuration first, so a separate
 * `terraform validate` would only start the provider once more), then checks on `show -json` of the plan
 * (support/stackPlanChecks.ts). The plan report suite plans REPORT_STACKS through the workflow's plan step and checks
 * them the same way, so each stack is planned once per `npm test` (a plan costs ~16 CPU seconds).
 *
 * Providers: TF_PROVIDER_MIRROR (see src/terraform/terraformCli.ts) serves every init through `-plugin-dir`, which
 * links the ~700 MB provider instead of copying it. Without it the first init downloads from the registry and the
 * other stacks link to that copy. No terraform or no provider fails the tests with the runner's message; nothing skips.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { synth } from '../src/app';
import { init, plan, showJson, type PlanJson } from '../src/terraform/terraformCli';
import { emulatorTarget } from '../src/stacks/deployTarget';
import { checkStackPlan, REPORT_STACKS, SHIPPED_STACKS } from './support/stackPlanChecks';
import { testEtlDir } from './support/testEtl';

const ROOT = path.resolve(__dirname, '..', '..');
const ENVIRONMENTS_DIR = path.join(ROOT, 'environments');
const PLAN_FILE = 'tfplan';

/** Measured on 2 cores for 9 stacks: 1 lane 210 s, 2 lanes 127 s, 3 lanes 119 s but ~40 s a stack instead of ~25 s. */
const LANES = 2;
/** One stack alone takes ~16 s (init 1, plan 12, show 3); a test waits for at most about one stack per lane. */
const STACK_TIMEOUT_MS = 120_000;
/** Synth, plus a first init that may download the provider from the registry. */
const SETUP_TIMEOUT_MS = 300_000;

const STACKS = SHIPPED_STACKS.filter((stack) => !REPORT_STACKS.includes(stack.name));

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

describe('terraform plan of every stack but the plan report suite\'s (emulator target, real provider, no AWS call)', () => {
  test('every shipped stack is planned here or by the plan report suite', () => {
    expect([...STACKS.map((s) => s.name), ...REPORT_STACKS].sort()).toEqual(SHIPPED_STACKS.map((s) => s.name).sort());
  });

  test.each(STACKS)(
    '$name: init, plan creates the regional platform, every taggable resource tagged',
    async (stack) => {
      checkStackPlan(await plans.get(stack.name)!, stack);
    },
    STACK_TIMEOUT_MS,
  );
});
