/**
 * The least-privilege proof over a suite's recorded calls: each call is attributed to the role that makes it in AWS
 * (principals.ts), turned into the authorizations AWS makes for it (iamActions.ts) and each authorization simulated
 * against that role's synthesized policies (policySimulation.ts). The harness's own calls (uploads, read-backs) are
 * counted, not checked: they stand for producers and people, not for a role of the platform.
 */
import { emulatorFacts } from './emulatorFacts';
import { authorizationsOf } from './iamActions';
import { type PlatformPolicies, principalName, principalOf } from './principals';
import { parseRecording } from './recordedCall';
import { simulate } from './policySimulation';

export interface PrincipalTally {
  readonly principal: string;
  calls: number;
  /** Distinct action + resource + request context. */
  authorizations: number;
  allowed: number;
}

export interface RecordedCallCheck {
  readonly tallies: readonly PrincipalTally[];
  /** One line per authorization that was not allowed: principal, action, resource, decision, the call. */
  readonly failures: readonly string[];
}

export async function checkRecordedCalls(recording: string, endpoint: string, policies: PlatformPolicies): Promise<RecordedCallCheck> {
  const calls = parseRecording(recording);
  const facts = await emulatorFacts(endpoint, calls);
  const resourcePolicies = policies.resourcePolicies();
  const tallies = new Map<string, PrincipalTally>();
  const seen = new Set<string>();
  const failures: string[] = [];
  for (const call of calls) {
    const principal = principalOf(call);
    const name = principalName(principal);
    const tally = tallies.get(name) ?? { principal: name, calls: 0, authorizations: 0, allowed: 0 };
    tallies.set(name, tally);
    tally.calls++;
    const simulated = policies.principal(principal);
    if (!simulated) continue;
    let authorizations;
    try {
      authorizations = await authorizationsOf(call, simulated.account, facts);
    } catch (error) {
      failures.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    for (const authorization of authorizations) {
      const key = JSON.stringify([name, authorization, call.region]);
      if (seen.has(key)) continue;
      seen.add(key);
      tally.authorizations++;
      const verdict = await simulate({ principal: simulated, authorization, region: call.region, resourcePolicies });
      if (verdict.decision === 'Allowed') tally.allowed++;
      else failures.push(`${verdict.what}: ${verdict.decision} (${call.operation} in ${call.region}${Object.keys(authorization.context).length ? `, context ${JSON.stringify(authorization.context)}` : ''})`);
    }
  }
  return { tallies: [...tallies.values()].sort((a, b) => a.principal.localeCompare(b.principal)), failures };
}

/** The table the suites print: role → calls recorded, authorizations simulated, allowed. */
export function tallyTable(title: string, tallies: readonly PrincipalTally[]): string {
  const rows = tallies.map((t) => `| ${t.principal} | ${t.calls} | ${t.principal.startsWith('test harness') ? '–' : `${t.authorizations} | ${t.allowed}`} |`);
  return [`${title}`, '', '| principal | calls recorded | authorizations simulated | allowed |', '|---|---:|---:|---:|', ...rows.map((r) => (r.endsWith('– |') ? r.replace('– |', '– | – |') : r))].join('\n');
}
