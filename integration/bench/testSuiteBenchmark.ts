/**
 * `npm run bench:tests [-- <jest args>]`: how long `npm test` keeps a developer waiting, and where the time goes. Runs
 * its three parts as npm test does (typecheck, ETL build, jest with the repository's config) once, then prints each
 * suite's wall time (slowest first), the whole wall time against the 7-minute target, and how much the suites overlap
 * (sum of suite times / jest wall time). The load average before and after is printed too: other work on the machine
 * makes every number bigger, so measure it quiet.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { cleanUpOnInterrupt, printTable } from '../../etl/bench/benchReport';

const TARGET_SECONDS = 7 * 60;
const ROOT = path.join(__dirname, '../..');

/** The part of jest's `--json` report read here. */
interface JestReport {
  readonly numFailedTests: number;
  readonly numPassedTests: number;
  readonly testResults: readonly { readonly name: string; readonly startTime: number; readonly endTime: number; readonly status: string }[];
}

function timed(label: string, command: string, args: readonly string[]): number {
  const started = performance.now();
  const result = spawnSync(command, args, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0 && label !== 'jest') throw new Error(`${label} failed (exit ${result.status}); fix it before timing the tests`);
  return (performance.now() - started) / 1000;
}

const load = () => loadavg().map((n) => n.toFixed(2)).join(' / ');

function main(): void {
  const work = mkdtempSync(path.join(tmpdir(), 'bench-tests-'));
  cleanUpOnInterrupt(() => rmSync(work, { recursive: true, force: true }));
  const report = path.join(work, 'jest.json');
  const before = load();
  const typecheck = timed('typecheck', 'npm', ['run', '--silent', 'typecheck']);
  const build = timed('ETL build', 'npm', ['run', '--silent', 'build:etl']);
  const jest = timed('jest', 'npx', ['jest', '--json', `--outputFile=${report}`, ...process.argv.slice(2)]);
  const after = load();
  const results = JSON.parse(readFileSync(report, 'utf8')) as JestReport;
  rmSync(work, { recursive: true, force: true });

  const suites = results.testResults
    .map((s) => ({ name: path.relative(ROOT, s.name), seconds: (s.endTime - s.startTime) / 1000, status: s.status }))
    .sort((a, b) => b.seconds - a.seconds);
  const suiteSum = suites.reduce((sum, s) => sum + s.seconds, 0);
  const total = typecheck + build + jest;
  console.log(`\n${cpus().length} cores; load average (1 / 5 / 15 min) before ${before}, after ${after}`);
  console.log(`${suites.length} suites, ${results.numPassedTests} tests passed, ${results.numFailedTests} failed\n`);
  printTable([
    ...suites.slice(0, 15).map((s) => ({ measure: `  ${s.name}${s.status === 'passed' ? '' : ` (${s.status})`}`, value: `${s.seconds.toFixed(1)} s` })),
    { measure: 'typecheck', value: `${typecheck.toFixed(1)} s` },
    { measure: 'ETL build', value: `${build.toFixed(1)} s` },
    { measure: 'jest (wall)', value: `${jest.toFixed(1)} s` },
    { measure: 'suites overlap: sum of suite times / jest wall', value: `${(suiteSum / jest).toFixed(2)}x` },
    { measure: 'npm test (wall) / 7-minute target', value: `${(total / TARGET_SECONDS).toFixed(2)} (${total.toFixed(0)} s)`, target: '<= 1.00', pass: total <= TARGET_SECONDS },
  ]);
  if (results.numFailedTests > 0) process.exitCode = 1;
}

main();
