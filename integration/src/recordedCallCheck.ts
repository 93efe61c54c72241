/**
 * The least-privilege proof over a suite's recorded calls: each call is attributed to the role that makes it in AWS
 * (principals.ts), turned into the authorizations AWS makes for it (iamActions.ts) and each authorization simulated
 * against that role's synthesized policies (policySimulation.ts). The harness's own calls (uploads, read-backs) are
 * counted, not checked: they stand for producers and people, not for a role of the platform.
 */
import { authorizationsOf, type ResourceFacts } from './iamActions';
import { type PlatformPolicies, principalName, principalOf } from './principals';
import type { AwsCall } from './recordedCall';
import { simulate } from './policySimulation';

export interface PrincipalTally {
  readonly principal: string;
  calls: number;
  /** Calls whose every authorization was allowed. */
  allowed: number;
  /** Distinct action + resource + request context simulated. */
  authorizations: number;
}

export interface RecordedCallCheck {
  readonly tallies: readonly PrincipalTally[];
  /** One line per authorization that was not allowed: principal, action, resource, decision, the call. */
  readonly failures: readonly string[];
}

export interface CheckOptions {
  /**
   * Buckets a suite names differently from the account's (its own saved-plan bucket on a shared emulator), with the
   * bucket of the synthesized policies each stands for.
   */
  readonly bucketStandIns?: Readonly<Record<string, string>>;
}

function standIn(resource: string, standIns: Readonly<Record<string, string>>): string {
  for (const [used, real] of Object.entries(standIns)) {
    if (resource === `arn:aws:s3:::${used}` || resource.startsWith(`arn:aws:s3:::${used}/`)) return `arn:aws:s3:::${real}${resource.slice(`arn:aws:s3:::${used}`.length)}`;
  }
  return resource;
}

/** Checks the calls of a recording (parseRecording: the suite reads it once, for these and for the facts). */
export async function checkRecordedCalls(calls: readonly AwsCall[], facts: ResourceFacts, policies: PlatformPolicies, options: CheckOptions = {}): Promise<RecordedCallCheck> {
  const resourcePolicies = policies.resourcePolicies();
  const tallies = new Map<string, PrincipalTally>();
  const verdicts = new Map<string, boolean>();
  const failures = new Set<string>();
  for (const call of calls) {
    const principal = principalOf(call);
    const name = principalName(principal);
    const tally = tallies.get(name) ?? { principal: name, calls: 0, allowed: 0, authorizations: 0 };
    tallies.set(name, tally);
    tally.calls++;
    const simulated = policies.principal(principal);
    if (!simulated) continue;
    let authorizations;
    try {
      authorizations = await authorizationsOf(call, simulated.account, facts);
    } catch (error) {
      failures.add(`${name}: ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    let allowed = true;
    for (const found of authorizations) {
      const authorization = { ...found, resource: standIn(found.resource, options.bucketStandIns ?? {}) };
      const key = JSON.stringify([name, authorization, call.region]);
      let verdict = verdicts.get(key);
      if (verdict === undefined) {
        tally.authorizations++;
        const context = Object.keys(authorization.context).length ? `, context ${JSON.stringify(authorization.context)}` : '';
        try {
          const { decision, what } = await simulate({ principal: simulated, authorization, region: call.region, resourcePolicies });
          verdict = decision === 'Allowed';
          if (!verdict) failures.add(`${what}: ${decision} (${call.operation} in ${call.region}${context})`);
        } catch (error) {
          verdict = false;
          failures.add(`${error instanceof Error ? error.message : String(error)} (${call.operation} in ${call.region}${context})`);
        }
        verdicts.set(key, verdict);
      }
      allowed &&= verdict;
    }
    if (allowed) tally.allowed++;
  }
  return { tallies: [...tallies.values()].sort((a, b) => a.principal.localeCompare(b.principal)), failures: [...failures] };
}

/** The table the suites print: role → calls recorded, allowed, distinct authorizations simulated. */
export function tallyTable(title: string, tallies: readonly PrincipalTally[]): string {
  const row = (t: PrincipalTally) => (t.principal.startsWith('test harness') ? `| ${t.principal} | ${t.calls} | – | – |` : `| ${t.principal} | ${t.calls} | ${t.allowed} | ${t.authorizations} |`);
  return [title, '', '| principal | calls recorded | calls allowed | distinct authorizations simulated |', '|---|---:|---:|---:|', ...tallies.map(row)].join('\n');
}
