import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { subjectPrefix, type GithubConfig } from '../config/github';
import { GITHUB_OIDC_AUDIENCE, GITHUB_OIDC_HOST, GithubOidcRole } from '../constructs/GithubOidcRole';
import { policyDocument } from '../constructs/policyDocument';
import { StateStore } from '../constructs/StateStore';
import { providerTargetSettings, type DeployTarget } from '../stacks/deployTarget';
import { APPLICATION_TAG } from '../stacks/RegionalStack';
import { useLocalState, useS3State } from '../stacks/stateBackend';
import { roleNameAndPath, type BootstrapAccount } from './accounts';
import { COPY_DEPLOY_ROLE_NAME, COPY_PREFIX } from '../config/ephemeralCopy';
import { operatorPolicyName, operatorStatements } from './operatorPermissions';
import { copiesDeployRoleStatements, copyTemplates, deployRoleStatements, planRoleStatements } from './permissions';

/**
 * Where the bootstrap stack's own state lives. `local`: a terraform.tfstate next to cdk.tf.json (the first apply,
 * before the bucket exists). `s3`: in the state bucket it created, under `bootstrap/<account>.tfstate` (after
 * `terraform init -migrate-state`).
 */
export type BootstrapState = 'local' | 's3';

export interface BootstrapStackProps {
  readonly account: BootstrapAccount;
  readonly github: GithubConfig;
  readonly target: DeployTarget;
  /** Ignored on an emulator, which always keeps local state. @default 'local' */
  readonly state?: BootstrapState;
}

/** The stack name (and cdktf.out/stacks/<name> directory) of one account's bootstrap. */
export function bootstrapStackName(account: string): string {
  return `bootstrap-${account}`;
}

/** Its state object once migrated; outside `analytics/`, so no plan or deploy role can read or write it. */
export function bootstrapStateKey(account: string): string {
  return `bootstrap/${account}.tfstate`;
}

/**
 * What one AWS account needs before the GitHub workflows can run, applied once by a person with admin rights:
 * the state bucket (and lock table, when named), GitHub's OIDC identity provider, the read-only plan role (pull
 * requests, and main for the drift check and pre-deploy plans), one deploy role per environment (jobs running in
 * that GitHub environment) and, when the account has a template (an ephemeral environment), the on-demand copies'
 * deploy role.
 */
export class BootstrapStack extends TerraformStack {
  constructor(scope: Construct, props: BootstrapStackProps) {
    const { account, github, target } = props;
    super(scope, bootstrapStackName(account.account));
    this.configureState(account, target, props.state ?? 'local');

    new AwsProvider(this, 'aws', {
      region: account.state.region,
      defaultTags: [{ tags: { Application: APPLICATION_TAG, ManagedBy: 'cdktf', Stack: 'bootstrap' } }],
      ...providerTargetSettings(target, account.account),
    });

    const onAws = target.kind === 'aws';
    const store = new StateStore(this, 'state', {
      bucketName: account.state.bucket,
      lockTableName: account.state.lockTable,
      tlsOnlyPolicy: onAws || target.evaluatesPolicyConditions,
      protect: onAws,
    });

    // IAM has no need for thumbprints for GitHub's issuer (it trusts the CA), so none are pinned here
    const oidc = new IamOpenidConnectProvider(this, 'github-oidc', { url: `https://${GITHUB_OIDC_HOST}`, clientIdList: [GITHUB_OIDC_AUDIENCE] });

    const subject = subjectPrefix(github);
    const plan = new GithubOidcRole(this, 'plan-role', {
      ...roleNameAndPath(account.environments[0]!.roles.plan),
      description: `terraform plan of every analytics stack, for pull requests and the drift check of ${github.repository} (read-only)`,
      providerArn: oidc.arn,
      // pull requests plan; the scheduled drift check runs on main
      subjects: [`${subject}:pull_request`, `${subject}:ref:refs/heads/main`],
      statements: planRoleStatements(account),
    });
    const output = (name: string, value: string, description: string) => new TerraformOutput(this, name, { value, description }).overrideLogicalId(name);
    output('state_bucket', store.bucket.bucket, 'S3 backend bucket of every regional stack in this account');
    output('github_oidc_provider_arn', oidc.arn, 'GitHub Actions OIDC identity provider');
    output('plan_role_arn', plan.role.arn, 'Assumed by pull-request plans');

    for (const env of account.environments) {
      const deploy = new GithubOidcRole(this, `deploy-role-${env.name}`, {
        ...roleNameAndPath(env.roles.deploy),
        description: `terraform apply of the ${env.name} stacks, for ${github.repository} jobs in the GitHub environment ${env.name}`,
        providerArn: oidc.arn,
        subjects: [`${subject}:environment:${env.name}`],
        statements: deployRoleStatements(account, env),
      });
      output(`deploy_role_arn_${env.name.replace(/-/g, '_')}`, deploy.role.arn, `Assumed by ${env.name} deployments`);
      const operator = new IamPolicy(this, `operator-policy-${env.name}`, {
        name: operatorPolicyName(env.name),
        description: `npm run jobs and npm run dlq:redrive in ${env.name}: attach to the operators' permission set, group or role`,
        policy: policyDocument(...operatorStatements(account.account, env)),
      });
      output(`operator_policy_arn_${env.name.replace(/-/g, '_')}`, operator.arn, `For the people who operate ${env.name}'s ETL`);
    }

    const templates = copyTemplates(account).map((env) => env.name);
    if (templates.length > 0) {
      const copies = new GithubOidcRole(this, 'copies-deploy-role', {
        roleName: COPY_DEPLOY_ROLE_NAME,
        description: `terraform apply and destroy of on-demand copies (${COPY_PREFIX}*) of ${templates.join(', ')}, for ${github.repository} jobs in the GitHub environment of their template`,
        providerArn: oidc.arn,
        // a copy deploys in its template's GitHub environment: no other job, and no protected environment, can assume it
        subjects: templates.map((name) => `${subject}:environment:${name}`),
        statements: copiesDeployRoleStatements(account),
      });
      output('copies_deploy_role_arn', copies.role.arn, `Assumed by on-demand copies of ${templates.join(', ')}`);
    }
  }

  private configureState(account: BootstrapAccount, target: DeployTarget, state: BootstrapState): void {
    if (target.kind === 'emulator' || state === 'local') useLocalState(this);
    else useS3State(this, account.state, bootstrapStateKey(account.account));
  }
}
