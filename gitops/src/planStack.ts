import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { init, plan, showJson, showText, TerraformError } from '../../infra/src/terraform/terraformCli';
import { setOutput } from './actionsIo';
import type { Command } from './command';
import { parseFlags } from './flags';
import { STACK_FLAGS, STACK_FLAGS_USAGE, stackDirectory } from './stackFlags';

const USAGE = `npm run gitops -- plan ${STACK_FLAGS_USAGE} [--out plans]`;
const PLAN_FILE = 'pr.tfplan';

/** What `plan` leaves for the report: `<out>/<stack>.json` (terraform show -json) and `<out>/<stack>.txt` (terraform show). */
export function planFiles(outDir: string, stack: string): { json: string; text: string } {
  return { json: path.join(outDir, `${stack}.json`), text: path.join(outDir, `${stack}.txt`) };
}

/**
 * Plans one stack for a pull request: init, plan without the state lock (the plan role is read-only, and a plan that
 * is never applied needs no lock), then the plan as JSON and as text for the report, and output `changes=true|false`.
 */
export const planStackCommand: Command = {
  usage: USAGE,
  async run(argv) {
    const flags = parseFlags(USAGE, argv, { ...STACK_FLAGS, out: { type: 'string', default: 'plans' } }, ['stack']);
    const { stack, dir } = stackDirectory(flags);
    await init(dir);
    const planned = await plan(dir, { out: PLAN_FILE, detailedExitcode: true, lock: false });
    process.stdout.write(planned.stdout);
    if (planned.code === 1) throw new TerraformError(`terraform plan failed for ${stack}:\n${planned.stderr.trim()}`, planned);

    const files = planFiles(flags.out, stack);
    mkdirSync(flags.out, { recursive: true });
    writeFileSync(files.json, JSON.stringify(await showJson(dir, PLAN_FILE)));
    writeFileSync(files.text, await showText(dir, PLAN_FILE));
    setOutput('changes', String(planned.code === 2));
  },
};
