/**
 * The workflows are wiring only, so what can go wrong is the wiring: these tests parse the YAML and hold it to the
 * security rules, the job graph, the matrix wiring and the rule that every `run:` calls an npm script or a pinned tool.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { loadEnvironments } from '../../infra/src/config/loadEnvironments';
import { COMMANDS } from '../src/commands';
import { lintWorkflows, workflowFiles } from '../src/workflowLint';

const root = path.join(__dirname, '../..');
const githubDir = path.join(root, '.github');
const scripts = Object.keys((JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts);

type Step = { uses?: string; run?: string; with?: Record<string, unknown>; env?: Record<string, string>; if?: string; id?: string };
type Job = {
  'runs-on'?: string;
  'timeout-minutes'?: number;
  needs?: string | string[];
  if?: string;
  uses?: string;
  with?: Record<string, unknown>;
  permissions?: Record<string, string>;
  environment?: string;
  concurrency?: { group: string; 'cancel-in-progress': boolean };
  strategy?: { matrix: unknown; 'fail-fast'?: boolean };
  steps?: Step[];
};
type Workflow = { on: Record<string, unknown>; permissions: Record<string, string>; concurrency?: unknown; jobs: Record<string, Job> };

const { workflows: workflowPaths, actions: actionPaths } = workflowFiles(githubDir);
const source = (file: string) => readFileSync(file, 'utf8');
const workflows = Object.fromEntries(workflowPaths.map((file) => [path.basename(file), parse(source(file)) as Workflow]));
const setupAction = parse(source(path.join(githubDir, 'actions/setup/action.yml'))) as { runs: { steps: Step[] } };
const allJobs = Object.entries(workflows).flatMap(([file, wf]) => Object.entries(wf.jobs).map(([id, job]) => ({ file, id, job })));
const allSteps = [
  ...allJobs.flatMap(({ file, id, job }) => (job.steps ?? []).map((step) => ({ where: `${file} ${id}`, step }))),
  ...setupAction.runs.steps.map((step) => ({ where: 'actions/setup', step })),
];
const needsOf = (job: Job): string[] => (job.needs === undefined ? [] : ([] as string[]).concat(job.needs));
const assumesRole = (job: Job) => (job.steps ?? []).some((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'));
const callsDeployWorkflow = (job: Job) => job.uses === './.github/workflows/deploy-environment.yml';

test('the expected workflows exist', () => {
  expect(Object.keys(workflows).sort()).toEqual(['deploy-environment.yml', 'deploy-ephemeral.yml', 'deploy.yml', 'destroy.yml', 'drift.yml', 'etl-release.yml', 'pull-request.yml']);
});

test('actionlint and action-validator report nothing', async () => {
  const findings = await lintWorkflows(githubDir);
  expect(findings.map((f) => `${path.relative(root, f.file)}:${f.line ?? ''} ${f.message}`)).toEqual([]);
}, 60_000);

describe('security', () => {
  test.each(Object.keys(workflows))('%s: top-level permissions are contents: read only; no pull_request_target', (file) => {
    expect(workflows[file]!.permissions).toEqual({ contents: 'read' });
    expect(Object.keys(workflows[file]!.on)).not.toContain('pull_request_target');
  });

  test('every third-party action is pinned to a full commit SHA with its version in a comment', () => {
    const uses = [...workflowPaths, ...actionPaths].flatMap((file) => [...source(file).matchAll(/^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/gm)].map((m) => ({ file, action: m[1]!, rest: m[2]! })));
    const thirdParty = uses.filter((u) => !u.action.startsWith('./'));
    expect(thirdParty.length).toBeGreaterThan(10);
    for (const { file, action, rest } of thirdParty) {
      expect({ file, action, pinned: /^[\w.-]+\/[\w.-]+(\/[\w./-]+)?@[0-9a-f]{40}$/.test(action), comment: /^\s+# v\d+\.\d+\.\d+$/.test(rest) }).toEqual({ file, action, pinned: true, comment: true });
    }
  });

  test('every checkout keeps no credentials; setup-terraform has no wrapper', () => {
    const checkouts = allSteps.filter(({ step }) => step.uses?.startsWith('actions/checkout@'));
    expect(checkouts.length).toBe(allJobs.filter(({ job }) => job.steps).length);
    for (const { where, step } of checkouts) expect({ where, persist: step.with?.['persist-credentials'] }).toEqual({ where, persist: false });
    const terraform = allSteps.filter(({ step }) => step.uses?.startsWith('hashicorp/setup-terraform@'));
    expect(terraform).toHaveLength(1);
    expect(terraform[0]!.step.with).toMatchObject({ terraform_wrapper: false, terraform_version: '1.11.4' });
  });

  test('every job that runs steps has a timeout', () => {
    for (const { file, id, job } of allJobs.filter(({ job }) => job.steps)) expect({ file, id, timeout: typeof job['timeout-minutes'] }).toEqual({ file, id, timeout: 'number' });
  });

  test('id-token: write only where a role is assumed; write scopes only on the jobs that need them', () => {
    const allowed: Record<string, (job: Job, file: string, id: string) => boolean> = {
      'id-token': (job) => assumesRole(job) || callsDeployWorkflow(job),
      'pull-requests': (_job, file, id) => file === 'pull-request.yml' && id === 'comment',
      issues: (_job, file, id) => file === 'drift.yml' && id === 'report',
      contents: (_job, file, id) => file === 'etl-release.yml' && id === 'publish',
    };
    for (const { file, id, job } of allJobs) {
      for (const [scope, level] of Object.entries(job.permissions ?? {})) {
        if (level === 'read' || level === 'none') continue;
        expect({ file, id, scope, allowed: allowed[scope]?.(job, file, id) ?? false }).toEqual({ file, id, scope, allowed: true });
      }
      if (assumesRole(job)) expect({ file, id, idToken: job.permissions?.['id-token'] }).toEqual({ file, id, idToken: 'write' });
    }
  });

  test('role ARNs come from the environment definitions (matrix), never from the YAML', () => {
    for (const file of workflowPaths) expect(source(file)).not.toMatch(/arn:aws/);
    const roles = allSteps.filter(({ step }) => step.uses?.startsWith('aws-actions/configure-aws-credentials@')).map(({ step }) => step.with?.['role-to-assume']);
    expect(roles.length).toBeGreaterThanOrEqual(4);
    for (const role of roles) expect(role).toMatch(/^\$\{\{ matrix\.(planRole|deployRole) \}\}$/);
  });

  test('plans use the plan role, deploys and destroys the deploy role', () => {
    const roleIn = (file: string, id: string) => workflows[file]!.jobs[id]!.steps!.find((s) => s.uses?.startsWith('aws-actions/'))!.with!['role-to-assume'];
    expect(roleIn('pull-request.yml', 'plan')).toBe('${{ matrix.planRole }}');
    expect(roleIn('drift.yml', 'plan')).toBe('${{ matrix.planRole }}');
    expect(roleIn('deploy-environment.yml', 'deploy')).toBe('${{ matrix.deployRole }}');
    expect(roleIn('deploy-environment.yml', 'plan')).toBe('${{ matrix.planRole }}');
    expect(roleIn('destroy.yml', 'destroy')).toBe('${{ matrix.deployRole }}');
  });

  test('expressions reach run: only through env (no template injection into the shell)', () => {
    for (const { where, step } of allSteps) if (step.run) expect({ where, run: step.run }).not.toEqual({ where, run: expect.stringContaining('${{') });
  });
});

describe('steps', () => {
  test('every run: is npm ci, an npm script of package.json, or pip install of a pinned version', () => {
    const runs = allSteps.filter(({ step }) => step.run).map(({ where, step }) => ({ where, run: step.run!.trim() }));
    expect(runs.length).toBeGreaterThan(20);
    for (const { where, run } of runs) {
      const script = /^npm run ([\w:-]+)(?: -- .*)?$/.exec(run)?.[1];
      const ok = run === 'npm ci' || (script !== undefined && scripts.includes(script)) || /^pip install "[\w[\]-]+==\d+(\.\d+)*"$/.test(run);
      expect({ where, run, ok }).toEqual({ where, run, ok: true });
    }
  });

  test('every gitops command a workflow calls exists', () => {
    const called = allSteps.flatMap(({ step }) => [...(step.run ?? '').matchAll(/npm run gitops -- ([\w-]+)/g)].map((m) => m[1]!));
    expect(called.length).toBeGreaterThan(10);
    expect([...new Set(called)].filter((name) => !Object.hasOwn(COMMANDS, name))).toEqual([]);
  });
});

describe('job graph', () => {
  const pr = workflows['pull-request.yml']!.jobs;

  test('pull request: tests and the integration suite gate every plan; the comment follows the plans', () => {
    expect(needsOf(pr.plan!)).toEqual(expect.arrayContaining(['test', 'integration']));
    expect(needsOf(pr.comment!)).toContain('plan');
    expect(pr.test!.steps!.map((s) => s.run).filter(Boolean)).toEqual(expect.arrayContaining(['npm run typecheck', 'npm run test:unit', 'npm run synth']));
    expect(pr.integration!.steps!.map((s) => s.run)).toContain('npm run test:integration');
  });

  test('pull request: LocalStack as a service container, moto when it cannot run', () => {
    expect(pr.integration!).toMatchObject({ services: { localstack: { image: '${{ needs.localstack-image.outputs.image }}', ports: ['4566:4566'] } } });
    const steps = pr.integration!.steps!;
    expect(steps.find((s) => s.run === 'npm run test:integration')!.env).toEqual({ AWS_ENDPOINT_URL: '${{ steps.emulator.outputs.endpoint }}' });
    expect(steps.find((s) => s.run?.startsWith('pip install "moto[server]'))!.if).toBe("steps.emulator.outputs.emulator == 'moto'");
  });

  test('matrices come from gitops steps, never from a list in the YAML', () => {
    const matrixJobs = allJobs.filter(({ job }) => job.strategy);
    expect(matrixJobs.map(({ file, id }) => `${file} ${id}`).sort()).toEqual(['deploy-environment.yml deploy', 'deploy-environment.yml plan', 'destroy.yml destroy', 'drift.yml plan', 'pull-request.yml plan']);
    for (const { file, id, job } of matrixJobs) {
      const [, producer, output] = /^\$\{\{ fromJSON\(needs\.([\w-]+)\.outputs\.(\w+)\) \}\}$/.exec(String(job.strategy!.matrix)) ?? [];
      expect({ file, id, producer }).toEqual({ file, id, producer: expect.any(String) });
      expect(needsOf(job)).toContain(producer);
      const producerJob = workflows[file]!.jobs[producer!]!;
      const [, stepId] = /^\$\{\{ steps\.([\w-]+)\.outputs\.(\w+) \}\}$/.exec(String((producerJob as { outputs: Record<string, string> }).outputs[output!])) ?? [];
      expect(producerJob.steps!.find((s) => s.id === stepId)!.run).toMatch(/^npm run gitops -- (matrix|guard) /);
      expect(job.strategy!['fail-fast']).toBe(false);
    }
  });

  test('protected deploys apply the plan a read-only job made before the approval', () => {
    const reusable = workflows['deploy-environment.yml']!.jobs;
    expect(reusable.plan!.if).toBe('inputs.reviewed-plan');
    expect(reusable.plan!.environment).toBeUndefined();
    expect(reusable.plan!.steps!.map((s) => s.run).filter(Boolean)).toEqual(['npm run gitops -- plan --stack "$STACK" --out plans', 'npm run gitops -- plan-comment --plans plans --artifact "saved-plan-<stack>"']);
    expect(reusable.plan!.steps!.at(-1)!.with).toMatchObject({ name: 'saved-plan-${{ matrix.stack }}' });
    expect(reusable.deploy!.steps!.find((s) => s.with?.name === 'saved-plan-${{ matrix.stack }}')).toMatchObject({ if: 'inputs.reviewed-plan', with: { path: 'cdktf.out/stacks/${{ matrix.stack }}' } });
    expect(needsOf(reusable.deploy!)).toEqual(['regions', 'plan']);
    for (const job of Object.values(workflows['deploy.yml']!.jobs).filter(callsDeployWorkflow)) expect(job.with!['reviewed-plan']).toBe(true);
    expect(workflows['deploy-ephemeral.yml']!.jobs.deploy!.with!['reviewed-plan']).toBeUndefined();
  });

  test('merge to main deploys every non-ephemeral environment, in its declared order, from one synth', () => {
    const deploy = workflows['deploy.yml']!;
    expect(Object.keys(deploy.on)).toEqual(['push']);
    const environments = loadEnvironments(path.join(root, 'environments')).filter((env) => !env.ephemeral);
    const calls = Object.entries(deploy.jobs).filter(([, job]) => callsDeployWorkflow(job));
    expect(calls.map(([, job]) => job.with!.environment).sort()).toEqual(environments.map((env) => env.name).sort());
    for (const env of environments) {
      const [id, job] = calls.find(([, job]) => job.with!.environment === env.name)!;
      const previous = env.deployAfter ? calls.find(([, job]) => job.with!.environment === env.deployAfter)![0] : 'build';
      expect({ id, needs: needsOf(job) }).toEqual({ id, needs: [previous] });
    }
    expect(environments.find((env) => env.name === 'prod')!.deployAfter).toBe('staging');
    // one merge's deploy at a time, so an older commit is never applied after a newer one
    expect(deploy.concurrency).toEqual({ group: 'deploy-main', 'cancel-in-progress': false });
  });

  test('each deploy job: its environment, its concurrency group, never cancelled, outputs to the summary', () => {
    const job = workflows['deploy-environment.yml']!.jobs.deploy!;
    expect(job.environment).toBe('${{ inputs.environment }}');
    expect(job.concurrency).toEqual({ group: 'deploy-${{ matrix.stack }}', 'cancel-in-progress': false });
    expect(job.steps!.slice(-2)).toEqual([
      { if: 'inputs.reviewed-plan', run: 'npm run gitops -- deploy --stack "$STACK" --saved-plan', env: { STACK: '${{ matrix.stack }}' } },
      { if: '${{ !inputs.reviewed-plan }}', run: 'npm run gitops -- deploy --stack "$STACK"', env: { STACK: '${{ matrix.stack }}' } },
    ]);
    const destroy = workflows['destroy.yml']!.jobs.destroy!;
    expect(destroy.concurrency).toEqual(job.concurrency);
  });

  test('destroy: two required inputs, and nothing runs before the guard', () => {
    const destroy = workflows['destroy.yml']!;
    expect(destroy.on).toEqual({ workflow_dispatch: { inputs: { suffix: expect.objectContaining({ required: true }), confirm: expect.objectContaining({ required: true }) } } });
    const guard = destroy.jobs.guard!.steps!.find((s) => s.id === 'guard')!;
    expect(guard.run).toBe('npm run gitops -- guard --action destroy --suffix "$SUFFIX" --confirm "$CONFIRM"');
    expect(destroy.jobs.guard!.steps!.findIndex((s) => s.id === 'guard')).toBeLessThan(destroy.jobs.guard!.steps!.findIndex((s) => s.run?.startsWith('npm run synth')));
    expect(needsOf(destroy.jobs.destroy!)).toEqual(['guard']);
    expect(destroy.jobs.destroy!.environment).toBe('${{ needs.guard.outputs.environment }}');
  });

  test('ETL release: version check on every ETL change, publish only on main', () => {
    const release = workflows['etl-release.yml']!;
    expect(release.jobs.check!.steps!.map((s) => s.run).filter(Boolean)).toEqual(['npm run gitops -- etl-version --base "$BASE"', 'npm run test:etl', 'npm run build:etl']);
    expect(release.jobs.check!.steps!.find((s) => s.id === 'version')!.run).toMatch(/etl-version/);
    expect(release.jobs.publish!.if).toBe("github.event_name == 'push'");
    // per version: a pending publish of one version is never replaced by another's
    expect(release.jobs.publish!.concurrency).toEqual({ group: 'etl-release-${{ needs.check.outputs.version }}', 'cancel-in-progress': false });
    expect(release.on).toMatchObject({ push: { branches: ['main'] } });
  });

  test('drift: scheduled, plans every deployable stack, the report runs even when a plan fails', () => {
    const drift = workflows['drift.yml']!;
    expect(drift.on).toHaveProperty('schedule');
    expect(drift.jobs.prepare!.steps!.find((s) => s.id === 'matrix')!.run).toBe('npm run gitops -- matrix --deployable');
    expect(drift.jobs.report!.if).toMatch(/^always\(\)/);
  });
});
