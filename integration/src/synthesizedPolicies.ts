/**
 * The IAM policies of a synthesized stack (`cdk.tf.json`), as AWS will hold them once applied: a role's identity
 * policies (inline and attached), the bucket and queue policies, the gateway endpoints' policies. References between
 * resources (`${aws_s3_bucket.x.arn}`) are resolved to the ARNs AWS gives those resources, from their names.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized Terraform JSON is untyped */
type Resources = Record<string, Record<string, Record<string, any>>>;

export interface PolicyDocument {
  readonly Version: string;
  readonly Statement: readonly object[];
}

export interface NamedPolicy {
  readonly name: string;
  readonly policy: PolicyDocument;
}

export class SynthesizedPolicies {
  readonly account: string;
  readonly region: string;
  private readonly resources: Resources;

  constructor(readonly stackDir: string) {
    const json = JSON.parse(readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8')) as { resource: Resources; provider: { aws: Record<string, any>[] } };
    const provider = json.provider.aws[0]!;
    const account = provider.allowed_account_ids?.[0];
    // policies of an emulator synth differ (moto: no TLS-only Deny); the proof is made on what AWS would get
    if (!account) throw new Error(`${stackDir}: synthesized for an emulator; synthesize with the aws target to read its policies`);
    this.account = account;
    this.region = provider.region;
    this.resources = json.resource;
  }

  /** The role named `roleName`: its ARN and identity policies (inline and managed attachments of this stack). */
  role(roleName: string): { readonly arn: string; readonly policies: NamedPolicy[] } {
    const found = Object.entries(this.resources.aws_iam_role ?? {}).find(([, role]) => role.name === roleName);
    if (!found) throw new Error(`${this.stackDir}: no aws_iam_role named ${roleName}`);
    const [id, role] = found;
    const refersToRole = (value: unknown) => typeof value === 'string' && new RegExp(`^\\$\\{aws_iam_role\\.${escape(id)}\\.(id|name)\\}$`).test(value);
    const inline = Object.entries(this.resources.aws_iam_role_policy ?? {})
      .filter(([, policy]) => refersToRole(policy.role))
      .map(([policyId, policy]) => ({ name: String(policy.name ?? policyId), policy: this.document(policy.policy) }));
    const attached = Object.values(this.resources.aws_iam_role_policy_attachment ?? {})
      .filter((attachment) => refersToRole(attachment.role))
      .map((attachment) => {
        const policyId = /^\$\{aws_iam_policy\.(.+)\.arn\}$/.exec(attachment.policy_arn)?.[1];
        const policy = policyId ? this.resources.aws_iam_policy?.[policyId] : undefined;
        if (!policy) throw new Error(`${this.stackDir}: ${roleName} attaches ${attachment.policy_arn}, not a policy of this stack`);
        return { name: String(policy.name), policy: this.document(policy.policy) };
      });
    return { arn: `arn:aws:iam::${this.account}:role${role.path ?? '/'}${role.name}`, policies: [...inline, ...attached] };
  }

  /** The managed policy named `name`, attached to nothing here (e.g. an operators' policy, for the account's people). */
  managedPolicy(name: string): NamedPolicy {
    const policy = Object.values(this.resources.aws_iam_policy ?? {}).find((candidate) => candidate.name === name);
    if (!policy) throw new Error(`${this.stackDir}: no aws_iam_policy named ${name}`);
    return { name, policy: this.document(policy.policy) };
  }

  /** Resource policies by the ARN of what they protect: each bucket policy (on the bucket and its objects), each queue policy. */
  resourcePolicies(): Map<string, PolicyDocument> {
    const policies = new Map<string, PolicyDocument>();
    for (const policy of Object.values(this.resources.aws_s3_bucket_policy ?? {})) policies.set(this.resolve(policy.bucket, 'arn'), this.document(policy.policy));
    for (const policy of Object.values(this.resources.aws_sqs_queue_policy ?? {})) policies.set(this.resolve(policy.queue_url, 'arn'), this.document(policy.policy));
    return policies;
  }

  /** Gateway endpoint policies by service (`s3`, `dynamodb`). */
  endpointPolicies(): Map<string, NamedPolicy> {
    const policies = new Map<string, NamedPolicy>();
    for (const [id, endpoint] of Object.entries(this.resources.aws_vpc_endpoint ?? {})) {
      if (!endpoint.policy) continue;
      const service = String(endpoint.service_name).split('.').pop()!;
      policies.set(service, { name: id, policy: this.document(endpoint.policy) });
    }
    return policies;
  }

  private document(text: string): PolicyDocument {
    return JSON.parse(text.replace(/\$\{([\w-]+)\.([\w-]+)\.(\w+)\}/g, (_whole, type: string, id: string, attribute: string) => this.attribute(type, id, attribute))) as PolicyDocument;
  }

  /** A reference such as `${aws_sqs_queue.q.url}`, read as `attribute` of the resource it names. */
  private resolve(reference: string, attribute: string): string {
    const match = /^\$\{([\w-]+)\.([\w-]+)\.\w+\}$/.exec(reference);
    if (!match) throw new Error(`${this.stackDir}: ${reference} is not a reference to a resource`);
    return this.attribute(match[1]!, match[2]!, attribute);
  }

  private attribute(type: string, id: string, attribute: string): string {
    const resource = this.resources[type]?.[id];
    if (!resource) throw new Error(`${this.stackDir}: policy refers to ${type}.${id}, which the stack does not define`);
    const { account, region } = this;
    const arns: Record<string, () => string> = {
      aws_s3_bucket: () => `arn:aws:s3:::${resource.bucket}`,
      aws_sqs_queue: () => `arn:aws:sqs:${region}:${account}:${resource.name}`,
      aws_dynamodb_table: () => `arn:aws:dynamodb:${region}:${account}:table/${resource.name}`,
      aws_cloudwatch_log_group: () => `arn:aws:logs:${region}:${account}:log-group:${resource.name}`,
      aws_cloudwatch_event_rule: () => `arn:aws:events:${region}:${account}:rule/${resource.name}`,
      aws_iam_role: () => `arn:aws:iam::${account}:role${resource.path ?? '/'}${resource.name}`,
      aws_iam_policy: () => `arn:aws:iam::${account}:policy${resource.path ?? '/'}${resource.name}`,
    };
    if (attribute === 'arn' && arns[type]) return arns[type]();
    if (['name', 'id', 'bucket'].includes(attribute) && (resource.name ?? resource.bucket)) return String(resource.name ?? resource.bucket);
    throw new Error(`${this.stackDir}: cannot resolve ${type}.${id}.${attribute} in a policy; teach SynthesizedPolicies its ARN`);
  }
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
