import { OpsError } from './errors';

/**
 * An AWS call that failed before AWS could answer it (no network path, no credentials) or because AWS refused the
 * caller, said in one line: what was called where, and what to set. Exit code 1, as any OpsError.
 */
export class AwsAccessError extends OpsError {
  override readonly name = 'AwsAccessError';
}

// Raised by Node's sockets and DNS, and by the SDK's timeouts: nothing answered at the endpoint.
const UNREACHABLE_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);
// The SDK's credential chain found nothing (environment, profile, SSO, container or instance role).
const NO_CREDENTIALS = new Set(['CredentialsProviderError', 'TokenProviderError']);
// AWS answered that the keys are unknown, mistyped or expired (DynamoDB, SQS and S3 spell it differently).
const REJECTED_CREDENTIALS = new Set([
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'InvalidAccessKeyId',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidToken',
]);
// The keys are fine but lack the permission; S3 answers a HEAD without a body, so only as Forbidden.
const DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'Forbidden']);

export const EMULATOR_EXAMPLE = 'AWS_ENDPOINT_URL=http://127.0.0.1:5000';
const EMULATOR_CREDENTIALS = 'AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test';

/** Where the call went and what it was, for the message. */
export interface CallSite {
  readonly service: string;
  readonly region: string;
  readonly operation: string;
  /** The endpoint the SDK resolved (undefined when it failed before resolving one). */
  readonly endpoint: string | undefined;
}

/** The one-line explanation of `error`, or undefined when it is not about reaching AWS or being let in. */
export function explainAccessFailure(error: unknown, call: CallSite, env: NodeJS.ProcessEnv): AwsAccessError | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = (error as { code?: unknown }).code;
  const where = `${call.service} at ${call.endpoint ?? `its ${call.region} endpoint`}`;
  const emulator = env.AWS_ENDPOINT_URL;
  const cause = oneLine(`${error.name}: ${error.message}`);

  if ((typeof code === 'string' && UNREACHABLE_CODES.has(code)) || error.name === 'TimeoutError') {
    const advice = emulator
      ? `is the emulator running at AWS_ENDPOINT_URL=${emulator}?`
      : `AWS needs a network that reaches it and credentials for the account; for an emulator set AWS_ENDPOINT_URL, e.g. ${EMULATOR_EXAMPLE}`;
    const detail = typeof code === 'string' && !error.message.includes(code) ? `${code}: ${oneLine(error.message)}` : oneLine(error.message);
    return new AwsAccessError(`could not reach ${where} (${detail}): ${advice}`);
  }
  if (NO_CREDENTIALS.has(error.name)) {
    const advice = emulator
      ? `the emulator at ${emulator} takes any, e.g. ${EMULATOR_CREDENTIALS}`
      : `give credentials for the account (AWS_PROFILE, aws sso login, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), or for an emulator set AWS_ENDPOINT_URL, e.g. ${EMULATOR_EXAMPLE} ${EMULATOR_CREDENTIALS}`;
    return new AwsAccessError(`no AWS credentials to call ${call.service} in ${call.region} (${cause}): ${advice}`);
  }
  if (REJECTED_CREDENTIALS.has(error.name)) {
    return new AwsAccessError(
      `${where} rejected the credentials (${cause}): they are unknown to the account or expired; renew them (e.g. aws sso login) or choose others (AWS_PROFILE)`,
    );
  }
  if (DENIED.has(error.name)) {
    return new AwsAccessError(`${where} denied ${call.operation} (${cause}): the credentials in use are not allowed it in this account; check the account and the permissions of the role or user`);
  }
  return undefined;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

// `any`: each client types its handlers by its own input/output unions, and one middleware serves them all.
type Handler = (args: any) => Promise<any>;

/** The part of an SDK v3 client used here (DynamoDBClient, SQSClient and S3Client all fit). */
interface Client {
  readonly middlewareStack: {
    add(
      middleware: (next: Handler, context: { commandName?: string; endpointV2?: { url: URL } }) => Handler,
      options: { step: 'initialize'; name: string },
    ): void;
  };
}

/**
 * Makes every call of `client` that fails for lack of network or credentials (after the SDK's own retries) throw an
 * AwsAccessError instead of the SDK's error, which says only `getaddrinfo ENOTFOUND dynamodb.us-east-1.amazonaws.com`.
 */
export function explainAccessFailures<C extends Client>(client: C, service: string, region: string, env: NodeJS.ProcessEnv): C {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        const url = context.endpointV2?.url;
        const call = { service, region, operation: (context.commandName ?? 'the call').replace(/Command$/, ''), endpoint: url && `${url.protocol}//${url.host}` };
        throw explainAccessFailure(error, call, env) ?? error;
      }
    },
    { step: 'initialize', name: 'opsExplainAccessFailures' },
  );
  return client;
}
