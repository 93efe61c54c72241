import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { Construct } from 'constructs';
import { policyDocument, type PolicyStatement } from './policyDocument';

/** GitHub's OIDC issuer and the audience its tokens carry for AWS (aws-actions/configure-aws-credentials). */
export const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';
export const GITHUB_OIDC_AUDIENCE = 'sts.amazonaws.com';

export interface GithubOidcRoleProps {
  readonly roleName: string;
  /** @default '/' */
  readonly path?: string;
  readonly description: string;
  /** ARN of the account's GitHub OIDC identity provider. */
  readonly providerArn: string;
  /** The exact `sub` claims admitted, e.g. `repo:example-org/analytics-platform:pull_request`; never a pattern. */
  readonly subjects: readonly string[];
  /**
   * What the workflow may do once it holds the role. Packed in order into managed policies `<roleName>-1`, `-2`, …
   * of at most MANAGED_POLICY_MAX_CHARS each: a deploy policy outgrows the 10,240 characters IAM allows for all
   * inline policies of a role together.
   */
  readonly statements: readonly PolicyStatement[];
  /** @default 3600 (a plan or apply of one stack fits in an hour) */
  readonly maxSessionDurationSeconds?: number;
}

/** IAM's size limit for one managed policy document (characters, whitespace not counted; ours has none). */
export const MANAGED_POLICY_MAX_CHARS = 6_144;
/** IAM's default quota of managed policies attached to one role. */
export const MANAGED_POLICIES_PER_ROLE = 10;

/**
 * A role GitHub Actions assumes with its OIDC token: trusted only for exact subjects and the STS audience
 * (StringEquals, so no wildcard can sneak in), with its permissions in managed policies of its own.
 */
export class GithubOidcRole extends Construct {
  readonly role: IamRole;

  constructor(scope: Construct, id: string, props: GithubOidcRoleProps) {
    super(scope, id);
    // StringEquals would take "*" literally, but a pattern here means someone meant StringLike: refuse it
    for (const subject of props.subjects) {
      if (/[*?]/.test(subject)) throw new Error(`${props.roleName}: OIDC subject "${subject}" must be exact, not a pattern`);
    }
    this.role = new IamRole(this, 'role', {
      name: props.roleName,
      path: props.path ?? '/',
      description: props.description,
      maxSessionDuration: props.maxSessionDurationSeconds ?? 3600,
      assumeRolePolicy: policyDocument({
        Sid: 'GithubActionsOidc',
        Effect: 'Allow',
        Principal: { Federated: props.providerArn },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: {
            [`${GITHUB_OIDC_HOST}:aud`]: GITHUB_OIDC_AUDIENCE,
            // one subject as a string, several as a list (StringEquals matches any of them)
            [`${GITHUB_OIDC_HOST}:sub`]: props.subjects.length === 1 ? props.subjects[0]! : [...props.subjects],
          },
        },
      }),
    });
    packStatements(props.roleName, props.statements).forEach((statements, index) => {
      const policy = new IamPolicy(this, `policy-${index + 1}`, {
        name: `${props.roleName}-${index + 1}`,
        path: props.path ?? '/',
        description: `Permissions of ${props.roleName} (part ${index + 1})`,
        policy: policyDocument(...statements),
      });
      new IamRolePolicyAttachment(this, `policy-${index + 1}-attachment`, { role: this.role.name, policyArn: policy.arn });
    });
  }
}

/** Statements in order, as few documents as fit MANAGED_POLICY_MAX_CHARS; throws when even one statement or the count does not fit. */
function packStatements(roleName: string, statements: readonly PolicyStatement[]): PolicyStatement[][] {
  const packs: PolicyStatement[][] = [];
  for (const statement of statements) {
    const last = packs.at(-1);
    if (last && policyDocument(...last, statement).length <= MANAGED_POLICY_MAX_CHARS) {
      last.push(statement);
    } else if (policyDocument(statement).length <= MANAGED_POLICY_MAX_CHARS) {
      packs.push([statement]);
    } else {
      throw new Error(`${roleName}: statement ${statement.Sid ?? ''} alone exceeds IAM's ${MANAGED_POLICY_MAX_CHARS} characters per policy`);
    }
  }
  if (packs.length > MANAGED_POLICIES_PER_ROLE) throw new Error(`${roleName}: needs ${packs.length} managed policies, over IAM's ${MANAGED_POLICIES_PER_ROLE} per role`);
  return packs;
}
