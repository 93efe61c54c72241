import { setOutput, writeSummary } from './actionsIo';
import type { Command } from './command';
import { parseFlags } from './flags';
import { readPlanSummary } from './planStack';
import { matrixJson, parseMatrix, type StackEntry } from './stackMatrix';

const USAGE = "npm run gitops -- apply-matrix --plans plans --matrix '<the plan matrix JSON>'";

/** Where each planned stack goes next: applied (its plan changes something), left alone, or stopped (no plan came back). */
export interface ApplySelection {
  readonly apply: readonly StackEntry[];
  readonly unchanged: readonly string[];
  readonly noPlan: readonly string[];
}

/** Decides per stack from the plans the plan jobs left in `dir`, so one region's failed plan holds back only that region. */
export function selectForApply(entries: readonly StackEntry[], dir: string): ApplySelection {
  const apply: StackEntry[] = [];
  const unchanged: string[] = [];
  const noPlan: string[] = [];
  for (const entry of entries) {
    const summary = readPlanSummary(dir, entry.stack);
    if (!summary) noPlan.push(entry.stack);
    else if (summary.unchanged) unchanged.push(entry.stack);
    else apply.push(entry);
  }
  return { apply, unchanged, noPlan };
}

/**
 * Between the read-only plan jobs and the protected apply jobs: outputs the `matrix` of the stacks whose plan has changes
 * and its `count`. A stack without changes gets no apply job, so its environment asks no reviewer to approve nothing; a
 * stack without a plan gets none either (its plan job failed, and the run shows it).
 */
export const applyMatrixCommand: Command = {
  usage: USAGE,
  async run(argv) {
    const flags = parseFlags(USAGE, argv, { plans: { type: 'string', default: 'plans' }, matrix: { type: 'string' } }, ['matrix']);
    const { apply, unchanged, noPlan } = selectForApply(parseMatrix(flags.matrix!, '--matrix'), flags.plans);
    setOutput('matrix', matrixJson(apply));
    setOutput('count', String(apply.length));
    const line = (label: string, stacks: readonly string[]) => (stacks.length > 0 ? [`- ${label}: ${stacks.map((s) => `\`${s}\``).join(', ')}`] : []);
    writeSummary(
      ['### What gets applied', '', ...line('apply (plan has changes)', apply.map((e) => e.stack)), ...line('nothing to apply', unchanged), ...line('no plan, not applied (see its plan job)', noPlan)].join('\n'),
    );
  },
};
