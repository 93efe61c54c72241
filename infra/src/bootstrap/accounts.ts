import { EnvironmentError } from '../config/errors';
import { COPY_DEPLOY_ROLE_NAME } from '../config/ephemeralCopy';
import type { Environment } from '../config/loadEnvironments';

/** What one account's bootstrap stack is made from: every environment in that account. */
export interface BootstrapAccount {
  readonly account: string;
  /** Sorted by name; each gets its own deploy role. */
  readonly environments: readonly Environment[];
  /** Shared by the account's environments (checked). */
  readonly state: Environment['state'];
}

/**
 * `arn:aws:iam::<account>:role/<path/><name>` → the name, and the path (`/` unless the ARN has one, e.g. `/ci/` for
 * `role/ci/analytics-plan`), as `aws_iam_role` takes them. The ARN is validated by the environment schema.
 */
export function roleNameAndPath(arn: string): { roleName: string; path: string } {
  const full = arn.slice(arn.indexOf(':role/') + ':role/'.length);
  const slash = full.lastIndexOf('/');
  return slash < 0 ? { roleName: full, path: '/' } : { roleName: full.slice(slash + 1), path: `/${full.slice(0, slash + 1)}` };
}

/**
 * Groups the environments by AWS account and checks what the bootstrap needs to agree across them: one state
 * backend and one plan role per account, a deploy role of its own per environment (never the copies' role), state
 * buckets unique across accounts, and no suffix that ends in `-<another suffix>` (deploy policies match names by suffix).
 * Throws one EnvironmentError listing every problem.
 */
export function bootstrapAccounts(environments: readonly Environment[]): BootstrapAccount[] {
  const problems: string[] = [];
  const byAccount = new Map<string, Environment[]>();
  for (const env of [...environments].sort((a, b) => a.name.localeCompare(b.name))) {
    byAccount.set(env.account, [...(byAccount.get(env.account) ?? []), env]);
  }

  const accounts = [...byAccount.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([account, envs]) => {
    const first = envs[0]!;
    for (const env of envs.slice(1)) {
      if (JSON.stringify(env.state) !== JSON.stringify(first.state)) {
        problems.push(`${env.file}: state: differs from ${first.file}; environments of account ${account} share one state bucket (the bootstrap stack creates it once)`);
      }
      if (env.roles.plan !== first.roles.plan) {
        problems.push(`${env.file}: roles.plan: "${env.roles.plan}" differs from ${first.file}'s "${first.roles.plan}"; account ${account} has one plan role`);
      }
    }
    const deployRoles = new Map<string, Environment>();
    for (const env of envs) {
      const owner = deployRoles.get(env.roles.deploy);
      if (owner) problems.push(`${env.file}: roles.deploy: "${env.roles.deploy}" is already ${owner.file}'s deploy role; each environment needs its own (its trust policy names the environment)`);
      else deployRoles.set(env.roles.deploy, env);
      if (env.roles.deploy === first.roles.plan) problems.push(`${env.file}: roles.deploy: is the plan role; the plan role is read-only, the deploy role writes`);
      for (const role of ['deploy', 'plan'] as const) {
        if (roleNameAndPath(env.roles[role]).roleName === COPY_DEPLOY_ROLE_NAME) {
          problems.push(`${env.file}: roles.${role}: "${COPY_DEPLOY_ROLE_NAME}" is the name of the on-demand copies' deploy role, which the bootstrap creates in every account with an ephemeral environment; choose another name`);
        }
      }
    }
    return { account, environments: envs, state: first.state };
  });

  const bucketOwners = new Map<string, BootstrapAccount>();
  for (const account of accounts) {
    const owner = bucketOwners.get(account.state.bucket);
    if (owner) {
      problems.push(`${account.environments[0]!.file}: state.bucket: "${account.state.bucket}" is also named in account ${owner.account}; S3 bucket names are global, give each account its own`);
    } else {
      bucketOwners.set(account.state.bucket, account);
    }
  }

  for (const env of environments) {
    for (const other of environments.filter((o) => o !== env && env.suffix.endsWith(`-${o.suffix}`))) {
      problems.push(`${env.file}: suffix: "${env.suffix}" ends with "-${other.suffix}" (${other.file}), so ${other.name}'s deploy role would match its resource names; pick a suffix that does not`);
    }
  }

  if (problems.length > 0) throw new EnvironmentError(problems);
  return accounts;
}
