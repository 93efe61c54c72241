import type { AwsProviderConfig } from '@cdktf/provider-aws/lib/provider';
import { FlagError } from '../config/errors';

/**
 * Where the synthesized stacks will be applied.
 * - `aws`: the real account, S3 state backend with locking, provider refuses any other account.
 * - `emulator`: an AWS-compatible endpoint (LocalStack, moto): local state file, dummy credentials, every service
 *   endpoint pointed at `endpoint`, and the checks an emulator cannot answer skipped. tflocal cannot rewrite CDKTF
 *   JSON, so the app does it.
 */
export type DeployTarget = { readonly kind: 'aws' } | EmulatorTarget;

export interface EmulatorTarget {
  readonly kind: 'emulator';
  readonly endpoint: string;
  /**
   * Whether the emulator runs Lambda code. LocalStack does; moto cannot without Docker, and an enabled queue mapping
   * makes moto try on every message (bumping its receive count toward the DLQ), so there the mapping is created
   * disabled and the integration harness plays it.
   */
  readonly runsLambda: boolean;
  /**
   * Whether bucket policies are evaluated with their Conditions. moto 5 applies a Deny statement unconditionally
   * (moto/iam/access_control.py), so the TLS-only Deny would refuse every object request; there it is left out.
   */
  readonly evaluatesPolicyConditions: boolean;
}

/** The emulators we run against, with their usual endpoint when AWS_ENDPOINT_URL is unset. */
export const EMULATORS = {
  localstack: { endpoint: 'http://localhost:4566', runsLambda: true, evaluatesPolicyConditions: true },
  moto: { endpoint: 'http://localhost:5000', runsLambda: false, evaluatesPolicyConditions: false },
} as const;

export type EmulatorName = keyof typeof EMULATORS;

/** Services the regional and bootstrap stacks talk to; each gets the emulator endpoint. */
export const EMULATED_SERVICES = ['cloudwatch', 'dynamodb', 'ec2', 'events', 'iam', 'lambda', 'logs', 's3', 'sns', 'sqs', 'sts'] as const;

const TARGETS = ['aws', ...Object.keys(EMULATORS)].join(', ');

/** The target for one emulator, at `endpoint` (its usual one when not given). */
export function emulatorTarget(name: EmulatorName, endpoint?: string): EmulatorTarget {
  const url = endpoint || EMULATORS[name].endpoint;
  if (!/^https?:\/\/[^\s/]+/.test(url)) throw new FlagError(`AWS_ENDPOINT_URL "${url}" is not an http(s) URL; e.g. ${EMULATORS[name].endpoint}`);
  const { runsLambda, evaluatesPolicyConditions } = EMULATORS[name];
  return { kind: 'emulator', endpoint: url, runsLambda, evaluatesPolicyConditions };
}

/** `--target aws|localstack|moto`; an emulator's endpoint comes from AWS_ENDPOINT_URL. */
export function parseDeployTarget(kind: string | undefined, env: NodeJS.ProcessEnv): DeployTarget {
  const name = kind ?? 'aws';
  if (name === 'aws') return { kind: 'aws' };
  if (Object.hasOwn(EMULATORS, name)) return emulatorTarget(name as EmulatorName, env.AWS_ENDPOINT_URL);
  throw new FlagError(`--target ${name}: unknown; use one of ${TARGETS} (aws: S3 state, real account; an emulator: local state, AWS_ENDPOINT_URL)`);
}

/**
 * What to say when an emulator target falls back to its usual endpoint. Said, not required: with the emulator on its
 * own default port (moto_server, LocalStack) synth stays one command, and the line shows where to look when nothing
 * answers there.
 */
export function assumedEndpointNote(kind: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  if (env.AWS_ENDPOINT_URL || kind === undefined || !Object.hasOwn(EMULATORS, kind)) return undefined;
  const { endpoint } = EMULATORS[kind as EmulatorName];
  return `--target ${kind} without AWS_ENDPOINT_URL: the stacks point at ${endpoint}; set AWS_ENDPOINT_URL=http://<host>:<port> for another endpoint`;
}

/**
 * Provider settings for the target: on AWS the provider refuses any account but `account`; on an emulator it
 * uses dummy credentials, skips the checks an emulator cannot answer and sends every service to the endpoint.
 */
export function providerTargetSettings(target: DeployTarget, account: string): Partial<AwsProviderConfig> {
  if (target.kind === 'aws') return { allowedAccountIds: [account] };
  return {
    accessKey: 'test',
    secretKey: 'test',
    skipCredentialsValidation: true,
    skipRequestingAccountId: true,
    skipMetadataApiCheck: 'true',
    s3UsePathStyle: true,
    endpoints: [Object.fromEntries(EMULATED_SERVICES.map((service) => [service, target.endpoint]))],
  };
}
