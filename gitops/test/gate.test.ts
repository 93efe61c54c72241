/** `npm run gitops -- gate` after a deploy's gate jobs, fed the `needs` context as Actions renders `toJSON(needs)`. */
import { runAsStep } from './support/actionsRun';

/** `toJSON(needs)` of a job that needs build, integration (a reusable workflow call) and etl-release: results and outputs. */
const needs = (integration: string, release = 'skipped') =>
  JSON.stringify({ build: { result: 'success', outputs: {} }, integration: { result: integration, outputs: {} }, 'etl-release': { result: release, outputs: {} } }, null, 2);

test('a failed integration suite stops the deploy: the summary names the job, its result, and what did not run; the step fails', async () => {
  const run = await runAsStep(['gate', '--needs', needs('failure'), '--stops', 'The deploy to staging and prod']);
  expect(run.code).toBe(1);
  expect(run.summary).toContain('### :no_entry: The deploy to staging and prod did not run');
  expect(run.summary).toContain('The gate stopped it: `integration` failure, `etl-release` skipped');
  expect(run.summary).toContain('| `build` | :white_check_mark: success |');
});

test('a cancelled integration job is a stop too, never a pass', async () => {
  expect(await runAsStep(['gate', '--needs', needs('cancelled'), '--stops', 'The deploy'])).toMatchObject({ code: 1, summary: expect.stringContaining('`integration` cancelled') });
});

test('every gate job succeeded: it says so and passes', async () => {
  const run = await runAsStep(['gate', '--needs', needs('success', 'success'), '--stops', 'The deploy']);
  expect(run).toMatchObject({ code: 0, summary: expect.stringContaining('### Gate passed') });
});

test('anything but the needs context is refused, naming the flag', async () => {
  expect((await runAsStep(['gate', '--needs', '{"build":{"result":"green"}}', '--stops', 'x'])).summary).toMatch(/--needs: not the needs context \(build\.result/);
  expect((await runAsStep(['gate', '--needs', '', '--stops', 'x'])).summary).toMatch(/--needs is required/);
});
