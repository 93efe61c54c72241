/**
 * Who makes each AWS call in the suites, as AWS would see it: every actor signs with its own dummy access key id (moto
 * accepts any), and terraform, whose provider block fixes its key on an emulator, tags its User-Agent instead
 * (`TF_APPEND_USER_AGENT`, which the AWS provider appends). The principal of a call maps to the role that makes it in
 * AWS, with that role's synthesized policies.
 */
import path from 'node:path';
import { synth, synthBootstrap } from '../../infra/src/app';
import { roleNameAndPath } from '../../infra/src/bootstrap/accounts';
import { bootstrapStackName, bootstrapStateKey } from '../../infra/src/bootstrap/BootstrapStack';
import { operatorPolicyName } from '../../infra/src/bootstrap/operatorPermissions';
import { bootstrapAdministratorStatements } from '../../infra/src/bootstrap/permissions';
import { COPY_DEPLOY_ROLE_NAME } from '../../infra/src/config/ephemeralCopy';
import { regionalNames } from '../../infra/src/config/names';
import { stackName } from '../../infra/src/stacks/RegionalStack';
import type { AwsCall } from './recordedCall';
import type { SimulatedPrincipal } from './policySimulation';
import { type NamedPolicy, SynthesizedPolicies, type PolicyDocument } from './synthesizedPolicies';

/** What each actor signs with. Not 12 digits: moto would read such a key as an account id. */
export const ACCESS_KEYS = {
  /** The ETL handler, inside the VPC (the function's execution role). */
  etlFunction: (region: string) => `etl-function-${region}`,
  /** The queue's event-source mapping, which Lambda runs outside the VPC with the same execution role. */
  etlMapping: (region: string) => `etl-mapping-${region}`,
  /** A person operating the environment (npm run jobs, dlq:redrive) with its operators' policy. */
  operator: (environment: string) => `operator-${environment}`,
  /** The test itself (producers uploading, assertions reading back): no role of the platform. */
  harness: 'test',
} as const;

/** A workflow role: `plan`, `deploy-<environment>`, or `copies` (the on-demand copies' deploy role). */
export type WorkflowRole = 'plan' | 'copies' | `deploy-${string}`;

/** `TF_APPEND_USER_AGENT` value for terraform run as `role` (or by the administrator who applies the bootstrap). */
export function terraformAgent(role: WorkflowRole | 'administrator'): string {
  return `analytics-principal/${role}`;
}

/**
 * The environment of a workflow step run as `role` (`npm run gitops -- ...` in a test): terraform tags its calls, the
 * step's own SDK calls (saved plans, applied-commit records) sign with the role's name as access key id.
 */
export function asRole(role: WorkflowRole): Record<string, string> {
  return { TF_APPEND_USER_AGENT: terraformAgent(role), AWS_ACCESS_KEY_ID: role, AWS_SECRET_ACCESS_KEY: 'test' };
}

/** A principal named by terraform's agent or a step's access key: `plan`, `copies`, `deploy-<env>`, `administrator`. */
function namedPrincipal(name: string): Principal | undefined {
  if (name === 'plan' || name === 'copies' || name === 'administrator') return { kind: name };
  if (name.startsWith('deploy-')) return { kind: 'deploy', environment: name.slice('deploy-'.length) };
  if (name.startsWith('operator-')) return { kind: 'operator', environment: name.slice('operator-'.length) };
  return undefined;
}

export type Principal =
  | { readonly kind: 'deploy'; readonly environment: string }
  | { readonly kind: 'plan' }
  /** Deploys and destroys every on-demand copy of the account's templates (not `deploy-…`: a folder may be named `copies`). */
  | { readonly kind: 'copies' }
  /** Applies the bootstrap stack, once per account: no role of the repository, the policy of bootstrapAdministratorStatements. */
  | { readonly kind: 'administrator' }
  /** A person with the environment's operators' policy (bootstrap/operatorPermissions.ts) attached. */
  | { readonly kind: 'operator'; readonly environment: string }
  | { readonly kind: 'etl-function' | 'etl-mapping'; readonly region: string }
  | { readonly kind: 'harness' };

export function principalOf(call: AwsCall): Principal {
  const agent = /analytics-principal\/(\S+)/.exec(call.userAgent)?.[1];
  if (agent) {
    const role = namedPrincipal(agent);
    if (!role) throw new Error(`terraform ran as "${agent}": not a principal (use terraformAgent('deploy-<env>'), 'copies', 'plan' or 'administrator')`);
    return role;
  }
  const role = namedPrincipal(call.accessKeyId);
  if (role) return role;
  const etl = /^etl-(function|mapping)-(.+)$/.exec(call.accessKeyId);
  if (etl) return { kind: `etl-${etl[1] as 'function' | 'mapping'}`, region: etl[2]! };
  if (call.accessKeyId === ACCESS_KEYS.harness) {
    // terraform on an emulator signs with the provider's fixed key: unattributed, it would pass unchecked
    if (/Terraform\//.test(call.userAgent)) throw new Error(`terraform call ${call.operation} (${call.url}) without a role: run terraform with TF_APPEND_USER_AGENT=${terraformAgent('deploy-<env>')}`);
    return { kind: 'harness' };
  }
  throw new Error(`${call.operation} (${call.url}) signed with ${call.accessKeyId}: no principal has that key (integration/src/principals.ts)`);
}

export function principalName(principal: Principal): string {
  switch (principal.kind) {
    case 'deploy':
      return `deploy role (${principal.environment})`;
    case 'plan':
      return 'plan role';
    case 'copies':
      return "copies' deploy role";
    case 'administrator':
      return 'bootstrap administrator';
    case 'operator':
      return `operator (${principal.environment})`;
    case 'etl-function':
      return `ETL role, function (${principal.region})`;
    case 'etl-mapping':
      return `ETL role, queue mapping (${principal.region})`;
    case 'harness':
      return 'test harness (no role)';
  }
}

/** Every role's synthesized policies, for the AWS target (what an account would get), for one environment. */
export class PlatformPolicies {
  private readonly bootstrap: SynthesizedPolicies;
  private readonly regional = new Map<string, SynthesizedPolicies>();
  private readonly roles: { readonly plan: string; readonly deploy: string; readonly etl: (region: string) => string };
  private readonly administrator: NamedPolicy;

  constructor(readonly environment: string, outdir: string) {
    const { environments } = synth({ environments: [environment], outdir, target: { kind: 'aws' } });
    const env = environments[0]!;
    for (const region of env.regions) this.regional.set(region.name, new SynthesizedPolicies(path.join(outdir, 'stacks', stackName(env.name, region.name))));
    const { accounts } = synthBootstrap({ outdir });
    this.bootstrap = new SynthesizedPolicies(path.join(outdir, 'stacks', bootstrapStackName(env.account)));
    const account = accounts.find((a) => a.account === env.account)!;
    this.administrator = { name: 'bootstrap-administrator', policy: { Version: '2012-10-17', Statement: bootstrapAdministratorStatements(account, bootstrapStateKey(account.account)) } };
    this.roles = {
      plan: roleNameAndPath(env.roles.plan).roleName,
      deploy: roleNameAndPath(env.roles.deploy).roleName,
      etl: (region) => regionalNames(region, env.suffix).etlRole,
    };
  }

  stack(region: string): SynthesizedPolicies {
    const stack = this.regional.get(region);
    if (!stack) throw new Error(`${this.environment} has no region ${region}`);
    return stack;
  }

  /** The principal with its identity (and endpoint) policies; undefined for the harness, which is no role. */
  principal(principal: Principal): SimulatedPrincipal | undefined {
    const account = this.bootstrap.account;
    const named = (synthesized: SynthesizedPolicies, roleName: string, extra: Partial<SimulatedPrincipal> = {}): SimulatedPrincipal => {
      const role = synthesized.role(roleName);
      return { name: principalName(principal), arn: role.arn, account, identityPolicies: role.policies, ...extra };
    };
    switch (principal.kind) {
      case 'deploy':
        if (principal.environment !== this.environment) throw new Error(`deploy role of ${principal.environment}: only ${this.environment} was synthesized`);
        return named(this.bootstrap, this.roles.deploy);
      case 'plan':
        return named(this.bootstrap, this.roles.plan);
      case 'copies':
        return named(this.bootstrap, COPY_DEPLOY_ROLE_NAME);
      case 'administrator':
        return { name: principalName(principal), arn: `arn:aws:iam::${account}:user/bootstrap-administrator`, account, identityPolicies: [this.administrator] };
      case 'operator':
        if (principal.environment !== this.environment) throw new Error(`operator of ${principal.environment}: only ${this.environment} was synthesized`);
        return {
          name: principalName(principal),
          arn: `arn:aws:iam::${account}:role/${principal.environment}-operators`,
          account,
          identityPolicies: [this.bootstrap.managedPolicy(operatorPolicyName(principal.environment))],
        };
      case 'etl-function':
        return named(this.stack(principal.region), this.roles.etl(principal.region), { endpointPolicies: this.stack(principal.region).endpointPolicies() });
      case 'etl-mapping':
        return named(this.stack(principal.region), this.roles.etl(principal.region));
      case 'harness':
        return undefined;
    }
  }

  /** Resource policies of every stack of the environment, and of the bootstrap (the state bucket). */
  resourcePolicies(): Map<string, PolicyDocument> {
    const stacks = [...this.regional.values()];
    // the key policy AWS gives its managed keys (aws/dynamodb): key metadata for the account's principals whose IAM
    // policies allow it (KMS decides by key policy first); keyed by the key ARNs of each region, the id left open
    const managedKeys = stacks.map((stack): [string, PolicyDocument] => [
      `arn:aws:kms:${stack.region}:${stack.account}:key`,
      {
        Version: '2012-10-17',
        Statement: [{ Sid: 'Allow direct access to key metadata to the account', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${stack.account}:root` }, Action: ['kms:Describe*', 'kms:Get*', 'kms:List*'], Resource: '*' }],
      },
    ]);
    return new Map([...this.bootstrap.resourcePolicies(), ...stacks.flatMap((stack) => [...stack.resourcePolicies()]), ...managedKeys]);
  }
}
