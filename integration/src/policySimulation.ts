/**
 * One authorization decided by @cloud-copilot/iam-simulate the way AWS decides it: the principal's identity policies,
 * the resource's policy (bucket, queue) and, for calls that leave through a gateway endpoint, its endpoint policy.
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import type { Authorization } from './iamActions';
import type { NamedPolicy, PolicyDocument } from './synthesizedPolicies';

export interface SimulatedPrincipal {
  /** How tables and messages name it, e.g. `deploy role (dev)`. */
  readonly name: string;
  readonly arn: string;
  readonly account: string;
  readonly identityPolicies: readonly NamedPolicy[];
  /** Gateway endpoint policies by service, for a principal inside the VPC (the ETL function). */
  readonly endpointPolicies?: ReadonlyMap<string, NamedPolicy>;
}

export interface Request {
  readonly principal: SimulatedPrincipal;
  readonly authorization: Authorization;
  readonly region: string;
  /** Resource policies by the ARN they protect (a bucket's also covers its objects). */
  readonly resourcePolicies: ReadonlyMap<string, PolicyDocument>;
  /** Plain HTTP instead of TLS. @default false: SDKs and terraform use HTTPS against AWS */
  readonly plainHttp?: boolean;
}

export type Decision = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';

export interface Verdict {
  readonly decision: Decision;
  /** `<principal>: <action> on <resource>`, for messages. */
  readonly what: string;
}

function resourcePolicyOf(resource: string, policies: ReadonlyMap<string, PolicyDocument>): PolicyDocument | undefined {
  for (const [arn, policy] of policies) if (resource === arn || resource.startsWith(`${arn}/`)) return policy;
  return undefined;
}

export async function simulate(request: Request): Promise<Verdict> {
  const { principal, authorization, region } = request;
  const service = authorization.action.split(':')[0]!;
  const endpoint = principal.endpointPolicies?.get(service);
  const what = `${principal.name}: ${authorization.action} on ${authorization.resource}`;
  const response = await runSimulation(
    {
      request: {
        principal: principal.arn,
        action: authorization.action,
        resource: { resource: authorization.resource, accountId: principal.account },
        contextVariables: {
          'aws:SecureTransport': request.plainHttp ? 'false' : 'true',
          'aws:RequestedRegion': region,
          'aws:PrincipalArn': principal.arn,
          'aws:PrincipalAccount': principal.account,
          ...authorization.context,
        },
      },
      identityPolicies: [...principal.identityPolicies],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: resourcePolicyOf(authorization.resource, request.resourcePolicies),
      ...(endpoint ? { vpcEndpointPolicies: [endpoint] } : {}),
    },
    {},
  );
  if (response.resultType === 'error') throw new Error(`${what}: the simulator refused the request: ${JSON.stringify(response.errors)}`);
  return { decision: response.overallResult as Decision, what };
}
