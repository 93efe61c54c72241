/**
 * Step outputs and the job summary inside Actions; outside (a developer running the script) the same text goes to
 * stdout, so every command runs and reads the same on a laptop.
 */
import * as core from '@actions/core';
import { appendFileSync } from 'node:fs';

export function setOutput(name: string, value: string): void {
  if (process.env.GITHUB_OUTPUT) core.setOutput(name, value);
  else process.stdout.write(`${name}=${value}\n`);
}

/** An `::error::` annotation in Actions; plain text on stderr elsewhere (annotations escape newlines as %0A). */
export function reportError(message: string): void {
  if (process.env.GITHUB_ACTIONS === 'true') core.error(message);
  else process.stderr.write(`error: ${message}\n`);
}

/** Appends to $GITHUB_STEP_SUMMARY directly: core.summary caches the file path per process, which one step never notices but in-process tests do. */
export function writeSummary(markdown: string): void {
  if (process.env.GITHUB_STEP_SUMMARY) appendFileSync(process.env.GITHUB_STEP_SUMMARY, `${markdown}\n`);
  else process.stdout.write(`${markdown}\n`);
}
