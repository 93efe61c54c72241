/**
 * Step outputs and the job summary through @actions/core inside Actions; outside (a developer running the script)
 * the same text goes to stdout, so every command runs and reads the same on a laptop.
 */
import * as core from '@actions/core';

export function setOutput(name: string, value: string): void {
  if (process.env.GITHUB_OUTPUT) core.setOutput(name, value);
  else process.stdout.write(`${name}=${value}\n`);
}

export async function writeSummary(markdown: string): Promise<void> {
  if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(markdown, true).write();
  else process.stdout.write(`${markdown}\n`);
}
