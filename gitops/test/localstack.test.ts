/**
 * LocalStack started by the `emulator` step. There is no Docker engine here, so `docker` is a recording stand-in on the
 * PATH that answers like the real CLI (a container id for `run`, `<status> <code>` for the inspect format, log lines),
 * and LocalStack's health endpoint is a local HTTP server answering its recorded shape.
 */
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { runAsStep } from './support/actionsRun';
import { LOCALSTACK_CURRENT_IMAGE, LOCALSTACK_FREE_IMAGE, probeLocalstack } from '../src/localstack';

/** What LocalStack 4.x answers on /_localstack/health (shape recorded from its docs and source). */
const HEALTHY = {
  services: { cloudwatch: 'available', dynamodb: 'running', ec2: 'available', events: 'available', iam: 'available', lambda: 'running', logs: 'available', s3: 'running', sqs: 'running', sts: 'available', kinesis: 'disabled' },
  edition: 'community',
  version: '4.14.0',
};

let server: Server;
let endpoint: string;
let answer: { status: number; body: unknown } = { status: 200, body: HEALTHY };
let bin: string;
let calls: string;

/** The docker CLI's side of each scenario: `run` exit code, the state `inspect` reports, and what it was called with. */
function fakeDocker(scenario: { run?: string; state?: string }): void {
  writeFileSync(
    path.join(bin, 'docker'),
    `#!/usr/bin/env bash
printf '%s|token=%s\\n' "$*" "\${LOCALSTACK_AUTH_TOKEN:-}" >> "${calls}"
case "$1" in
  run) ${scenario.run ?? 'echo 4f1c2a9e8b7d'} ;;
  inspect) echo "${scenario.state ?? 'running 0'}" ;;
  logs) echo "LocalStack version: 4.14.0"; echo "License activation failed" ;;
  rm) echo localstack ;;
esac
`,
  );
  chmodSync(path.join(bin, 'docker'), 0o755);
  writeFileSync(calls, '');
}
const dockerCalls = () => readFileSync(calls, 'utf8').trim().split('\n');

beforeAll(async () => {
  bin = mkdtempSync(path.join(os.tmpdir(), 'fake-docker-'));
  calls = path.join(bin, 'calls.log');
  server = createServer((request, response) => {
    if (request.url !== '/_localstack/health') return void response.writeHead(404).end();
    response.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('health probe', () => {
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
});

describe('gitops emulator (a workflow step that starts LocalStack)', () => {
  const step = (env: Record<string, string | undefined>, wait = '0') =>
    runAsStep(['emulator', '--localstack', endpoint, '--wait-seconds', wait], { PATH: `${bin}:${process.env.PATH}`, ...env });

  test('without a token: the last free image, published on loopback, docker socket mounted; healthy → LocalStack is the endpoint', async () => {
    fakeDocker({});
    answer = { status: 200, body: HEALTHY };
    const run = await step({ LOCALSTACK_AUTH_TOKEN: undefined });
    expect(run).toMatchObject({ code: 0, outputs: { endpoint, emulator: 'localstack' } });
    const port = new URL(endpoint).port;
    expect(dockerCalls()).toEqual([
      'rm --force localstack|token=',
      `run --detach --name localstack --publish 127.0.0.1:${port}:4566 --env LOCALSTACK_AUTH_TOKEN --volume /var/run/docker.sock:/var/run/docker.sock ${LOCALSTACK_FREE_IMAGE}|token=`,
    ]);
  });

  test('with a token: the current image, and the token only ever passes by name (never in the arguments)', async () => {
    fakeDocker({});
    answer = { status: 200, body: HEALTHY };
    const run = await step({ LOCALSTACK_AUTH_TOKEN: 'ls-test-token' });
    expect(run.outputs).toEqual({ endpoint, emulator: 'localstack' });
    const started = dockerCalls().find((call) => call.startsWith('run '))!;
    expect(started).toContain(` ${LOCALSTACK_CURRENT_IMAGE}|`);
    expect(started.split('|')[0]).not.toContain('ls-test-token');
    expect(started).toMatch(/\|token=ls-test-token$/);
  });

  test('a container that exits with 55 (token needed) hands the suite to moto, says why, and frees the port', async () => {
    fakeDocker({ state: 'exited 55' });
    answer = { status: 503, body: {} };
    const run = await step({ LOCALSTACK_AUTH_TOKEN: undefined }, '30');
    expect(run).toMatchObject({ code: 0, outputs: { endpoint: '', emulator: 'moto' } });
    expect(dockerCalls().slice(-3).map((call) => call.split(' ')[0])).toEqual(['inspect', 'logs', 'rm']);
  });

  test('docker itself failing (no daemon, image not pulled) also falls back to moto', async () => {
    fakeDocker({ run: 'echo "Cannot connect to the Docker daemon" >&2; exit 125' });
    const run = await step({});
    expect(run).toMatchObject({ code: 0, outputs: { endpoint: '', emulator: 'moto' } });
    expect(dockerCalls().map((call) => call.split(' ')[0])).toEqual(['rm', 'run']);
  });

  test('a LocalStack that never gets healthy is given up after the wait', async () => {
    fakeDocker({ state: 'running 0' });
    answer = { status: 200, body: { services: {} } };
    const run = await step({}, '0');
    expect(run.outputs).toEqual({ endpoint: '', emulator: 'moto' });
    expect(dockerCalls().at(-1)).toMatch(/^rm --force localstack/);
  });

  test('a wait that is not a number is a usage error, not an endless wait', async () => {
    const run = await runAsStep(['emulator', '--localstack', endpoint, '--wait-seconds', 'soon']);
    expect(run.code).toBe(2);
    expect(run.summary).toMatch(/--wait-seconds soon: give a number of seconds/);
  });
});
