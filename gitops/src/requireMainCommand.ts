import type { Command } from './command';
import { GitopsError } from './errors';
import { parseFlags } from './flags';

const USAGE = 'npm run gitops -- require-main';
const MAIN = 'refs/heads/main';

/**
 * The first step of a workflow whose jobs assume the plan role outside a pull request (drift): that role trusts the
 * OIDC subject `…:ref:refs/heads/main` and no other branch, so a run dispatched from a branch would only fail later,
 * at "Not authorized to perform sts:AssumeRoleWithWebIdentity". This fails at once and says what to do instead.
 */
export const requireMainCommand: Command = {
  usage: USAGE,
  async run(argv) {
    parseFlags(USAGE, argv, {});
    const ref = process.env.GITHUB_REF;
    if (ref === MAIN) return;
    const workflow = process.env.GITHUB_WORKFLOW ?? 'this workflow';
    throw new GitopsError(
      `${workflow} runs from main only, and this run is on ${ref || '(GITHUB_REF not set)'}: its plan role trusts the OIDC subject ` +
        `of ${MAIN} alone, so it cannot be assumed from here. Run it again from the Actions tab with "Use workflow from: main".`,
    );
  },
};
