import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { StackEntry } from '../../src/stackMatrix';
import { runAsStep } from './actionsRun';

/** Stack folders as synth leaves them (`<dir>/<stack>/cdk.tf.json`) in a new folder under `parent`, holding the given Terraform JSON. */
export function writeStacks(parent: string, stacks: Record<string, object>): string {
  const dir = mkdtempSync(path.join(parent, 'stacks-'));
  for (const [name, config] of Object.entries(stacks)) {
    mkdirSync(path.join(dir, name));
    writeFileSync(path.join(dir, name, 'cdk.tf.json'), JSON.stringify(config));
  }
  return dir;
}

/** `npm run gitops -- plan` of each stack, one after another (a step run owns process.env while it lasts). */
export async function planAsSteps(stacksDir: string, stacks: readonly string[], out: string) {
  const runs = [];
  for (const stack of stacks) runs.push(await runAsStep(['plan', '--stack', stack, '--stacks-dir', stacksDir, '--out', out]));
  return runs;
}

/** A matrix entry as `gitops matrix` writes it, for `<environment>-<region>`. */
export function matrixEntry(stack: string): StackEntry {
  const [environment, ...region] = stack.split('-');
  return { environment: environment!, region: region.join('-'), stack, ephemeral: false, planRole: 'arn:aws:iam::123456789012:role/analytics-plan', deployRole: `arn:aws:iam::123456789012:role/analytics-deploy-${environment}` };
}
