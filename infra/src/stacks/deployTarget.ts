/**
 * Where the synthesized stacks will be applied.
 * - `aws`: the real account, S3 state backend with locking, provider refuses any other account.
 * - `emulator`: an AWS-compatible endpoint (moto, LocalStack): local state file, dummy credentials, every service
 *   endpoint pointed at `endpoint`, and the checks an emulator cannot answer skipped. tflocal cannot rewrite CDKTF
 *   JSON, so the app does it.
 */
export type DeployTarget = { readonly kind: 'aws' } | { readonly kind: 'emulator'; readonly endpoint: string };

export const DEFAULT_EMULATOR_ENDPOINT = 'http://localhost:4566';

/** Services the regional stack talks to; each gets the emulator endpoint. */
export const EMULATED_SERVICES = ['cloudwatch', 'dynamodb', 'ec2', 'events', 'iam', 'lambda', 'logs', 's3', 'sns', 'sqs', 'sts'] as const;

/** `--target aws|emulator`, with the endpoint from AWS_ENDPOINT_URL (LocalStack's default when unset). */
export function parseDeployTarget(kind: string | undefined, env: NodeJS.ProcessEnv): DeployTarget {
  switch (kind ?? 'aws') {
    case 'aws':
      return { kind: 'aws' };
    case 'emulator': {
      const endpoint = env.AWS_ENDPOINT_URL || DEFAULT_EMULATOR_ENDPOINT;
      if (!/^https?:\/\/[^\s/]+/.test(endpoint)) {
        throw new Error(`AWS_ENDPOINT_URL "${endpoint}" is not an http(s) URL; e.g. http://localhost:4566`);
      }
      return { kind: 'emulator', endpoint };
    }
    default:
      throw new Error(`--target ${kind}: unknown; use "aws" (S3 state, real account) or "emulator" (local state, AWS_ENDPOINT_URL)`);
  }
}
