import type { Command } from './command';
import { GitopsError } from './errors';
import { parseFlags } from './flags';
import { lintWorkflows } from './workflowLint';

const USAGE = 'npm run gitops -- lint-workflows [--github-dir .github]';

/** Both workflow linters; fails listing every finding (npm test runs the same check). */
export const lintWorkflowsCommand: Command = {
  usage: USAGE,
  async run(argv) {
    const { 'github-dir': githubDir } = parseFlags(USAGE, argv, { 'github-dir': { type: 'string', default: '.github' } });
    const findings = await lintWorkflows(githubDir);
    if (findings.length > 0) throw new GitopsError(findings.map((f) => `${f.file}${f.line ? `:${f.line}` : ''}: ${f.message} (${f.linter})`).join('\n'));
    process.stdout.write('workflows: no findings (actionlint, action-validator)\n');
  },
};
