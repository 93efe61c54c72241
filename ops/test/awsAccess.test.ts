import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { createOpsClients } from '../src/clients';
import { main } from '../src/main';

const ENVIRONMENTS = path.join(__dirname, '..', '..', 'environments');
const LIST = ['jobs', 'list', '--env', 'dev', '--region', 'us-east-1', '--environments', ENVIRONMENTS];

/**
 * AWS refusing the caller, which moto never does (it takes any key): a loopback endpoint that answers every
 * DynamoDB call as AWS does (awsJson1_0 error bodies, documented `__type` names).
 */
describe('AWS refusing the credentials', () => {
  let server: Server;
  let endpoint: string;
  let answer: { status: number; type: string; message: string };

  beforeAll(async () => {
    server = createServer((request, response) => {
      request.resume();
      response.writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'test' });
      response.end(JSON.stringify({ __type: `com.amazon.coral.service#${answer.type}`, message: answer.message }));
    }).listen(0, '127.0.0.1');
    await once(server, 'listening');
    endpoint = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });

  const saved = { ...process.env };
  afterAll(() => {
    process.env = saved;
    server.close();
  });

  // The SDK reads the endpoint and the keys from the process environment, as from an operator's shell.
  const run = () => {
    Object.assign(process.env, { AWS_ENDPOINT_URL: endpoint, AWS_ACCESS_KEY_ID: 'AKIAOLD', AWS_SECRET_ACCESS_KEY: 'expired', AWS_REGION: 'us-east-1' });
    return main(LIST, { now: () => new Date(), clients: createOpsClients, env: process.env });
  };

  it('unknown or expired keys: one line saying so, exit 1', async () => {
    answer = { status: 400, type: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' };

    expect(await run()).toEqual({
      exitCode: 1,
      stdout: '',
      stderr:
        `error: DynamoDB at ${endpoint} rejected the credentials (UnrecognizedClientException: The security token included in the request is invalid.): ` +
        'they are unknown to the account or expired; renew them (e.g. aws sso login) or choose others (AWS_PROFILE)\n',
    });
  });

  it('keys without the permission: names the operation, exit 1', async () => {
    answer = { status: 400, type: 'AccessDeniedException', message: 'User: arn:aws:iam::123456789012:user/ops is not authorized to perform: dynamodb:Query' };

    const result = await run();

    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/^error: DynamoDB at http:\/\/127\.0\.0\.1:\d+ denied Query \(AccessDeniedException: User: .* dynamodb:Query\): the credentials in use are not allowed it/);
  });

  it('leaves other AWS errors to the command (a missing table is not about access)', async () => {
    answer = { status: 400, type: 'ResourceNotFoundException', message: 'Requested resource not found' };

    expect((await run()).stderr).toMatch(/^error: table analytics-jobs-us-east-1-dev not found \(Requested resource not found\); is the environment deployed/);
  });
});
