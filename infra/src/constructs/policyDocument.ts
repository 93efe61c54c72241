/** One IAM policy statement, written as AWS spells it so the synthesized JSON reads like the console. */
export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Principal?: '*' | Record<string, string | string[]>;
  readonly Action: string | string[];
  /** Absent only in trust policies, which IAM rejects with a Resource. */
  readonly Resource?: string | string[];
  readonly Condition?: Record<string, Record<string, string | string[] | boolean>>;
}

/** A policy document as a JSON string; cdktf tokens inside strings resolve to terraform references at synth. */
export function policyDocument(...statements: PolicyStatement[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

/** Trust policy letting one AWS service assume a role, only on behalf of this account (confused-deputy guard). */
export function serviceTrustPolicy(service: string, account: string): string {
  return policyDocument({
    Effect: 'Allow',
    Principal: { Service: service },
    Action: 'sts:AssumeRole',
    Condition: { StringEquals: { 'aws:SourceAccount': account } },
  });
}
