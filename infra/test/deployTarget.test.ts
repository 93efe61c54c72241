/**
 * The emulator targets: what `--target` accepts, and how a stack synthesized for an emulator differs from one for AWS.
 */
import { FlagError } from '../src/config/errors';
import { assumedEndpointNote, EMULATED_SERVICES, emulatorTarget, parseDeployTarget } from '../src/stacks/deployTarget';
import { synthesizeStacks } from './support/synthesized';

describe('parseDeployTarget', () => {
  test('aws by default', () => {
    expect(parseDeployTarget(undefined, {})).toEqual({ kind: 'aws' });
  });
  test.each([
    ['localstack', 'http://localhost:4566', true],
    ['moto', 'http://localhost:5000', false],
  ])('%s: its usual endpoint, whether it runs Lambda code and honours policy conditions', (name, endpoint, faithful) => {
    expect(parseDeployTarget(name, {})).toEqual({ kind: 'emulator', endpoint, runsLambda: faithful, evaluatesPolicyConditions: faithful });
  });
  test('an emulator takes its endpoint from AWS_ENDPOINT_URL', () => {
    expect(parseDeployTarget('moto', { AWS_ENDPOINT_URL: 'http://127.0.0.1:7777' })).toMatchObject({ endpoint: 'http://127.0.0.1:7777' });
  });
  test('an unknown target is a flag error naming the allowed ones', () => {
    expect(() => parseDeployTarget('emulator', {})).toThrow(FlagError);
    expect(() => parseDeployTarget('emulator', {})).toThrow('--target emulator: unknown; use one of aws, localstack, moto');
  });
  test('an endpoint that is not an http(s) URL is refused with an example', () => {
    expect(() => parseDeployTarget('localstack', { AWS_ENDPOINT_URL: 'localhost:4566' })).toThrow(
      'AWS_ENDPOINT_URL "localhost:4566" is not an http(s) URL; e.g. http://localhost:4566',
    );
  });
});

describe('assumedEndpointNote', () => {
  test.each([
    ['moto', 'http://localhost:5000'],
    ['localstack', 'http://localhost:4566'],
  ])('%s without AWS_ENDPOINT_URL: names the endpoint assumed and how to choose another', (name, endpoint) => {
    expect(assumedEndpointNote(name, {})).toBe(`--target ${name} without AWS_ENDPOINT_URL: the stacks point at ${endpoint}; set AWS_ENDPOINT_URL=http://<host>:<port> for another endpoint`);
  });
  test.each<[string | undefined, NodeJS.ProcessEnv]>([
    ['moto', { AWS_ENDPOINT_URL: 'http://127.0.0.1:7777' }],
    [undefined, {}],
    ['aws', {}],
  ])('nothing assumed for %s with %j', (name, env) => {
    expect(assumedEndpointNote(name, env)).toBeUndefined();
  });
});

describe.each([
  ['moto', false],
  ['localstack', true],
] as const)('a dev stack synthesized for %s', (name, runsLambda) => {
  const endpoint = 'http://127.0.0.1:4999';
  const [stack] = synthesizeStacks({ environments: ['dev'], target: emulatorTarget(name, endpoint) });
  const json = stack!.json;
  const provider = json.provider.aws[0];

  test('local state, not the S3 backend', () => {
    expect(json.terraform.backend).toEqual({ local: { path: 'terraform.tfstate' } });
  });
  test('every service the stack uses goes to the endpoint', () => {
    expect(provider.endpoints).toEqual([Object.fromEntries(EMULATED_SERVICES.map((service) => [service, endpoint]))]);
    expect(provider.s3_use_path_style).toBe(true);
  });
  test('dummy credentials, no account check, no account pin', () => {
    expect(provider).toMatchObject({ access_key: 'test', secret_key: 'test', skip_credentials_validation: true, skip_requesting_account_id: true });
    expect(provider.allowed_account_ids).toBeUndefined();
  });
  test(`the queue mapping is ${runsLambda ? 'enabled (the emulator runs the function)' : 'disabled (the harness plays it)'}`, () => {
    expect(stack!.one('aws_lambda_event_source_mapping').enabled).toBe(runsLambda);
  });
  test(`the TLS-only bucket policy is ${runsLambda ? 'there' : 'left out (moto would deny every request)'}`, () => {
    expect(Object.keys(stack!.resources('aws_s3_bucket_policy'))).toHaveLength(runsLambda ? 1 : 0);
  });
});
