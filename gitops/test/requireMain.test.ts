import { runAsStep } from './support/actionsRun';

const requireMain = (ref: string | undefined) => runAsStep(['require-main'], { GITHUB_REF: ref, GITHUB_WORKFLOW: 'drift' });

test('a run on main (schedule, or dispatched from main) passes silently', async () => {
  expect(await requireMain('refs/heads/main')).toEqual({ code: 0, outputs: {}, summary: '' });
});

test.each([
  ['a branch', 'refs/heads/fix-drift-alarm', 'this run is on refs/heads/fix-drift-alarm'],
  ['a tag', 'refs/tags/v1.2.0', 'this run is on refs/tags/v1.2.0'],
  ['no ref (outside Actions)', undefined, 'this run is on (GITHUB_REF not set)'],
])('a run from %s fails at once, saying why and how to run it', async (_case, ref, where) => {
  const run = await requireMain(ref);
  expect(run.code).toBe(1);
  expect(run.summary).toContain(
    `drift runs from main only, and ${where}: its plan role trusts the OIDC subject of refs/heads/main alone, so it cannot be assumed from here. ` +
      'Run it again from the Actions tab with "Use workflow from: main".',
  );
});
