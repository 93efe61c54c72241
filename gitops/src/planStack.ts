import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Change, init, plan, type PlanJson, planText, showJson, TerraformError } from '../../infra/src/terraform/terraformCli';
import { setOutput } from './actionsIo';
import { type StackSummary, summarizePlan } from './planReport';
import type { Command } from './command';
import { UsageError } from './errors';
import { parseFlags } from './flags';
import { savedPlanLocation } from './savedPlanLocation';
import { savePlan } from './savedPlanStore';
import { readStackBackend } from './stackBackend';
import { STACK_FLAGS, STACK_FLAGS_USAGE, stackDirectory } from './stackFlags';

const USAGE = `npm run gitops -- plan ${STACK_FLAGS_USAGE} [--out plans] [--save [--plan-bucket <bucket>]]`;
/** The binary plan `plan` leaves in the stack directory (and `--save` uploads); `deploy --saved-plan` applies it. */
export const SAVED_PLAN_FILE = 'saved.tfplan';

/** What `plan` leaves for the report: `<out>/<stack>.json` (terraform show -json) and `<out>/<stack>.txt` (the plan as terraform printed it). */
export function planFiles(outDir: string, stack: string): { json: string; text: string } {
  return { json: path.join(outDir, `${stack}.json`), text: path.join(outDir, `${stack}.txt`) };
}

/** What the plan `plan` left in `dir` does to `stack`; undefined when there is none (its plan job failed or did not run). */
export function readPlanSummary(dir: string, stack: string): StackSummary | undefined {
  const { json } = planFiles(dir, stack);
  return existsSync(json) ? summarizePlan(stack, JSON.parse(readFileSync(json, 'utf8')) as PlanJson) : undefined;
}

/**
 * What the report reads of a plan: addresses and actions. Attribute values stay out, because `show -json` writes
 * even sensitive ones in clear and the file travels as a workflow artifact.
 */
export function reportablePlan(plan: PlanJson): PlanJson {
  const actionsOnly = ({ actions }: Change): Change => ({ actions, before: null });
  return {
    format_version: plan.format_version,
    terraform_version: plan.terraform_version,
    resource_changes: plan.resource_changes?.map(({ address, mode, type, name, provider_name, change }) => ({ address, mode, type, name, provider_name, change: actionsOnly(change) })),
    output_changes: Object.fromEntries(Object.entries(plan.output_changes ?? {}).map(([name, change]) => [name, actionsOnly(change)])),
  };
}

/**
 * Plans one stack: init, plan without the state lock (the plan role is read-only, and the lock would not keep the
 * plan fresh anyway: terraform refuses a stale plan at apply), then the plan as JSON (show -json) and as text (as plan
 * printed it) for the report, and output `changes=true|false`. `--save` (before an approval): the plan also goes to the
 * state bucket (`--plan-bucket`: another bucket, for stacks with local state), its record to `<out>/<stack>.saved-plan`
 * for `deploy --saved-plan`.
 */
export const planStackCommand: Command = {
  usage: USAGE,
  async run(argv) {
    const options = { ...STACK_FLAGS, out: { type: 'string', default: 'plans' }, save: { type: 'boolean', default: false }, 'plan-bucket': { type: 'string' } } as const;
    const flags = parseFlags(USAGE, argv, options, ['stack']);
    const { stack, dir } = stackDirectory(flags);
    if (flags['plan-bucket'] !== undefined && !flags.save) throw new UsageError(`--plan-bucket is where --save saves to; give both\nusage: ${USAGE}`);
    // where the plan goes is checked before planning, which takes minutes
    const location = flags.save ? savedPlanLocation(readStackBackend({ stack, dir }), flags['plan-bucket']) : undefined;
    await init(dir);
    const planned = await plan(dir, { out: SAVED_PLAN_FILE, detailedExitcode: true, lock: false });
    process.stdout.write(planned.stdout);
    if (planned.code === 1) throw new TerraformError(`terraform plan failed for ${stack}:\n${planned.stderr.trim()}`, planned);

    const files = planFiles(flags.out, stack);
    mkdirSync(flags.out, { recursive: true });
    writeFileSync(files.json, JSON.stringify(reportablePlan(await showJson(dir, SAVED_PLAN_FILE))));
    writeFileSync(files.text, planText(planned.stdout));
    if (location) await savePlan(path.join(dir, SAVED_PLAN_FILE), stack, location, flags.out);
    setOutput('changes', String(planned.code === 2));
  },
};
