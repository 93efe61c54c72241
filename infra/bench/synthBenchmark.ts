/**
 * `npm run bench:synth`: time to synthesize every stack with deep provider imports (what infra/ does) next to
 * the same synth after importing the provider's package root. Each run is a fresh node process, alternating
 * modes so both see the same machine state; the median of the runs is compared. Target ratio ≤ 0.25.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const TARGET = 0.25;

function runOnce(mode: 'deep' | 'root'): { stacks: number; ms: number } {
  const out = execFileSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'synthOnce.ts'), mode], { encoding: 'utf8' });
  return JSON.parse(out) as { stacks: number; ms: number };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const times = { deep: [] as number[], root: [] as number[] };
let stacks = 0;
for (let i = 0; i < RUNS; i++) {
  for (const mode of ['deep', 'root'] as const) {
    const run = runOnce(mode);
    stacks = run.stacks;
    times[mode].push(run.ms);
  }
}
const deep = median(times.deep);
const root = median(times.root);
const ratio = deep / root;
console.log(`synth of ${stacks} stacks, median of ${RUNS} fresh processes each`);
console.log(`  deep imports (@cdktf/provider-aws/lib/...): ${(deep / 1000).toFixed(2)} s  [${times.deep.map((t) => (t / 1000).toFixed(2)).join(', ')}]`);
console.log(`  package root (@cdktf/provider-aws):         ${(root / 1000).toFixed(2)} s  [${times.root.map((t) => (t / 1000).toFixed(2)).join(', ')}]`);
console.log(`  ratio deep/root: ${ratio.toFixed(2)} (target ≤ ${TARGET}: ${ratio <= TARGET ? 'met' : 'NOT met'})`);
