/**
 * The bootstrap stack through the real terraform CLI and AWS provider, offline: init and plan for the emulator target
 * (no AWS call; plan validates the configuration first, so a separate `terraform validate` would only start the provider
 * once more), and validate of the stack as synthesized for AWS (local state, as first applied).
 * Providers as in terraformPlan.test.ts: TF_PROVIDER_MIRROR when set, else the registry.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { synthBootstrap } from '../src/app';
import { bootstrapStackName } from '../src/bootstrap/BootstrapStack';
import { emulatorTarget, type DeployTarget } from '../src/stacks/deployTarget';
import { init, plan, showJson, validate, type PlanJson } from '../src/terraform/terraformCli';

const ENVIRONMENTS_DIR = path.resolve(__dirname, '..', '..', 'environments');
const STACK = bootstrapStackName('123456789012');
/** init 1 s, validate ~8 s, plan ~12 s, show ~3 s on 2 cores; a registry download on the first init takes longer. */
const TIMEOUT_MS = 300_000;

const outdirs: string[] = [];
function synthInto(target?: DeployTarget): string {
  const outdir = mkdtempSync(path.join(os.tmpdir(), 'bootstrap-plan-'));
  outdirs.push(outdir);
  synthBootstrap({ environmentsDir: ENVIRONMENTS_DIR, outdir, target });
  return path.join(outdir, 'stacks', STACK);
}

afterAll(() => {
  for (const outdir of outdirs) rmSync(outdir, { recursive: true, force: true });
});

let planned: PlanJson;

test(
  'emulator target: init, plan creates the bootstrap and nothing else',
  async () => {
    const dir = synthInto(emulatorTarget('localstack', 'http://127.0.0.1:4566'));
    await init(dir);
    const result = await plan(dir, { out: 'tfplan', detailedExitcode: true });
    // 2 = changes: an empty local state must plan creates (0 would be nothing to do, 1 an error)
    if (result.code !== 2) throw new Error(`terraform plan -detailed-exitcode exited ${result.code}, expected 2:\n${result.stderr}`);
    planned = await showJson(dir, 'tfplan');

    const changes = planned.resource_changes ?? [];
    expect(changes.filter((c) => c.change.actions.join() !== 'create').map((c) => c.address)).toEqual([]);
    const counts: Record<string, number> = {};
    for (const c of changes) counts[c.type] = (counts[c.type] ?? 0) + 1;
    expect(counts).toEqual({
      aws_s3_bucket: 1,
      aws_s3_bucket_versioning: 1,
      aws_s3_bucket_server_side_encryption_configuration: 1,
      aws_s3_bucket_public_access_block: 1,
      aws_s3_bucket_ownership_controls: 1,
      aws_s3_bucket_lifecycle_configuration: 1,
      aws_s3_bucket_policy: 1, // LocalStack evaluates conditions, so the TLS-only policy is there
      aws_iam_openid_connect_provider: 1,
      aws_iam_role: 5, // plan + dev, prod, staging deploy + the on-demand copies' deploy (dev is a template)
      aws_iam_policy: 16, // plan 1, each deploy role 3 (IAM's 6,144 characters per managed policy), an operators' policy per environment
      aws_iam_role_policy_attachment: 13,
    });
  },
  TIMEOUT_MS,
);

test('planned values: bucket, provider, roles and their tags', () => {
  const after = (type: string) => (planned.resource_changes ?? []).filter((c) => c.type === type).map((c) => c.change.after as Record<string, unknown>);
  expect(after('aws_s3_bucket')).toEqual([expect.objectContaining({ bucket: 'analytics-tfstate-123456789012', force_destroy: false })]);
  expect(after('aws_iam_openid_connect_provider')).toEqual([
    expect.objectContaining({ url: 'https://token.actions.githubusercontent.com', client_id_list: ['sts.amazonaws.com'] }),
  ]);
  expect(after('aws_iam_role').map((r) => r.name)).toEqual(
    expect.arrayContaining(['analytics-plan', 'analytics-deploy-dev', 'analytics-deploy-prod', 'analytics-deploy-staging', 'analytics-deploy-ephemeral-copies']),
  );
  for (const role of after('aws_iam_role')) expect(role.tags_all).toEqual({ Application: 'analytics-platform', ManagedBy: 'cdktf', Stack: 'bootstrap' });
});

test(
  'aws target (local state, as first applied): init and validate',
  async () => {
    const dir = synthInto();
    await init(dir);
    await expect(validate(dir)).resolves.toMatchObject({ code: 0 });
  },
  TIMEOUT_MS,
);
