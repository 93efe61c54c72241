/**
 * One timed synth of every environment, run in a fresh process by synthBenchmark.ts.
 * `root` first loads the provider's package root, as an app importing `@cdktf/provider-aws` would;
 * the synth itself is the same code, so the difference is the cost of the barrel import.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

function main(): void {
  const mode = process.argv[2];
  if (mode !== 'deep' && mode !== 'root') throw new Error('usage: synthOnce.ts deep|root');
  const outdir = mkdtempSync(path.join(os.tmpdir(), 'bench-synth-'));
  const start = performance.now();
  if (mode === 'root') require('@cdktf/provider-aws');
  const { synth } = require('../src/app') as typeof import('../src/app');
  const { stacks } = synth({ outdir });
  const ms = performance.now() - start;
  rmSync(outdir, { recursive: true, force: true });
  process.stdout.write(JSON.stringify({ mode, stacks: stacks.length, ms }));
}

main();
