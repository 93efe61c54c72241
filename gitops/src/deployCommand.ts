import { apply, init, outputs, plan, TerraformError } from '../../infra/src/terraform/terraformCli';
import { writeSummary } from './actionsIo';
import type { Command } from './command';
import { parseFlags } from './flags';
import { STACK_FLAGS, STACK_FLAGS_USAGE, stackDirectory } from './stackFlags';
import { stackOutputsSummary } from './stackOutputsSummary';

const USAGE = `npm run gitops -- deploy ${STACK_FLAGS_USAGE}`;
const PLAN_FILE = 'deploy.tfplan';

/**
 * init, plan to a file, apply exactly that plan (only when it has changes), then the stack's outputs to the job
 * summary. Applying the saved plan means what ran is what the log shows, even if the account changed meanwhile.
 */
export const deployCommand: Command = {
  usage: USAGE,
  async run(argv) {
    const { stack, dir } = stackDirectory(parseFlags(USAGE, argv, STACK_FLAGS, ['stack']));
    await init(dir);
    const planned = await plan(dir, { out: PLAN_FILE, detailedExitcode: true });
    process.stdout.write(planned.stdout);
    if (planned.code === 1) throw new TerraformError(`terraform plan failed for ${stack}:\n${planned.stderr.trim()}`, planned);
    if (planned.code === 2) process.stdout.write((await apply(dir, { planFile: PLAN_FILE })).stdout);
    const verdict = planned.code === 2 ? 'applied' : 'no changes';
    writeSummary(`${stackOutputsSummary(stack, await outputs(dir))}\n${stack}: ${verdict}\n`);
  },
};
