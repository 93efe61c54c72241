import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { GitopsError } from './errors';

const exec = promisify(execFile);

async function git(args: readonly string[], cwd: string): Promise<string> {
  try {
    return (await exec('git', [...args], { cwd, maxBuffer: 64 * 1024 * 1024 })).stdout;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new GitopsError(`git ${args.join(' ')} failed: ${stderr || (error as Error).message} (the checkout needs the base commit: actions/checkout with fetch-depth: 0)`);
  }
}

/** Files changed from `base` to HEAD (three-dot: since they diverged, as a pull request shows them). */
export async function changedFiles(base: string, cwd = process.cwd()): Promise<string[]> {
  return (await git(['diff', '--name-only', `${base}...HEAD`], cwd)).split('\n').filter(Boolean);
}

/** A file's content at `ref`; undefined when it does not exist there. */
export async function fileAt(ref: string, file: string, cwd = process.cwd()): Promise<string | undefined> {
  await git(['rev-parse', '--verify', `${ref}^{commit}`], cwd);
  const listed = await git(['ls-tree', '--name-only', ref, '--', file], cwd);
  return listed.trim() === '' ? undefined : git(['show', `${ref}:${file}`], cwd);
}
