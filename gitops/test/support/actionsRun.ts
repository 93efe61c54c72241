import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCommand } from '../../src/runCommand';

export interface ActionsRun {
  readonly code: number;
  /** Step outputs as @actions/core wrote them to $GITHUB_OUTPUT. */
  readonly outputs: Record<string, string>;
  /** What the step appended to $GITHUB_STEP_SUMMARY. */
  readonly summary: string;
}

/** Parses the `name<<delimiter … delimiter` blocks @actions/core writes for each output. */
function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  for (const [, name, , value] of text.matchAll(/^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2$/gm)) outputs[name!] = value!;
  return outputs;
}

/**
 * Runs `npm run gitops -- <argv>` in-process as a workflow step would: real @actions/core writing to temp
 * GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files, `env` applied for the duration, annotations kept off the test output.
 */
export async function runAsStep(argv: readonly string[], env: Record<string, string | undefined> = {}): Promise<ActionsRun> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'step-'));
  const files = { GITHUB_ACTIONS: 'true', GITHUB_OUTPUT: path.join(dir, 'output'), GITHUB_STEP_SUMMARY: path.join(dir, 'summary') };
  for (const file of [files.GITHUB_OUTPUT, files.GITHUB_STEP_SUMMARY]) writeFileSync(file, '');
  const saved = { ...process.env };
  Object.assign(process.env, files);
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  const write = process.stdout.write;
  process.stdout.write = () => true;
  try {
    const code = await runCommand(argv);
    return { code, outputs: parseOutputFile(readFileSync(files.GITHUB_OUTPUT, 'utf8')), summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8') };
  } finally {
    process.stdout.write = write;
    process.env = saved;
  }
}
