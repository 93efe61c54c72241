import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runAsStep } from './support/actionsRun';
import { LOCALSTACK_CURRENT_IMAGE, LOCALSTACK_FREE_IMAGE, localstackImage, probeLocalstack } from '../src/localstack';

/** What LocalStack 4.x answers on /_localstack/health (shape recorded from its docs and source). */
const HEALTHY = {
  services: { cloudwatch: 'available', dynamodb: 'running', ec2: 'available', events: 'available', iam: 'available', lambda: 'running', logs: 'available', s3: 'running', sqs: 'running', sts: 'available', kinesis: 'disabled' },
  edition: 'community',
  version: '4.14.0',
};

let server: Server;
let endpoint: string;
let answer: { status: number; body: unknown } = { status: 200, body: HEALTHY };

beforeAll(async () => {
  server = createServer((request, response) => {
    if (request.url !== '/_localstack/health') return void response.writeHead(404).end();
    response.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

test('the free pinned image without a token, the current one with it', () => {
  expect(localstackImage(false)).toBe(LOCALSTACK_FREE_IMAGE);
  expect(LOCALSTACK_FREE_IMAGE).toBe('localstack/localstack:4.14.0');
  expect(localstackImage(true)).toBe(LOCALSTACK_CURRENT_IMAGE);
});

test('healthy when every service the stacks use is available or running', async () => {
  answer = { status: 200, body: HEALTHY };
  expect(await probeLocalstack(endpoint)).toEqual({ healthy: true });
});

test('a missing or failed service is named', async () => {
  answer = { status: 200, body: { services: { ...HEALTHY.services, lambda: 'error', sqs: undefined } } };
  expect(await probeLocalstack(endpoint)).toEqual({ healthy: false, reason: 'services not available: sqs=missing, lambda=error' });
});

test('an HTTP error or nobody listening is unhealthy, with the reason', async () => {
  answer = { status: 503, body: {} };
  expect(await probeLocalstack(endpoint)).toEqual({ healthy: false, reason: 'health check answered HTTP 503' });
  expect(await probeLocalstack('http://127.0.0.1:9')).toEqual({ healthy: false, reason: expect.stringMatching(/^no answer at http:\/\/127\.0\.0\.1:9/) });
});

describe('gitops emulator (as a workflow step)', () => {
  const step = (args: string[]) => runAsStep(['emulator', ...args, '--wait-seconds', '0']);

  test('a healthy LocalStack is the endpoint', async () => {
    answer = { status: 200, body: HEALTHY };
    expect((await step(['--localstack', endpoint])).outputs).toEqual({ endpoint, emulator: 'localstack' });
  });

  test('the image step sees only whether a token exists', async () => {
    expect((await runAsStep(['localstack-image'], { HAS_LOCALSTACK_AUTH_TOKEN: 'true' })).outputs).toEqual({ image: LOCALSTACK_CURRENT_IMAGE });
    expect((await runAsStep(['localstack-image'], { HAS_LOCALSTACK_AUTH_TOKEN: 'false' })).outputs).toEqual({ image: LOCALSTACK_FREE_IMAGE });
  });

  test('a wait that is not a number is a usage error, not an endless wait', async () => {
    const run = await runAsStep(['emulator', '--localstack', endpoint, '--wait-seconds', 'soon']);
    expect(run.code).toBe(1);
    expect(run.summary).toMatch(/--wait-seconds soon: give a number of seconds/);
  });

  test('an unusable LocalStack hands the suite to moto (empty endpoint), not to nothing', async () => {
    answer = { status: 200, body: { services: {} } };
    const run = await step(['--localstack', endpoint]);
    expect(run.code).toBe(0);
    expect(run.outputs).toEqual({ endpoint: '', emulator: 'moto' });
  });
});
