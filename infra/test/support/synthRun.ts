import { synthMain } from '../../main';

export interface SynthRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * `npm run synth -- <argv>` in-process: synthMain, what infra/main.ts runs, with what it wrote and its exit code.
 * Relative paths (the default environments and out folders) are from the repository root, where jest runs.
 */
export function synthRun(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): SynthRun {
  const written = { stdout: '', stderr: '' };
  const status = synthMain(argv, env, { stdout: (text) => (written.stdout += text), stderr: (text) => (written.stderr += text) });
  return { status, ...written };
}
