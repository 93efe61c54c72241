import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConditionalCheckFailedException, CreateTableCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { type MotoServer, startMotoServer } from '../src/motoServer';
import { regionClients } from '../src/regionClients';

/** True once nothing accepts connections on the endpoint's port (polled: a killed process takes a moment to go). */
async function portClosed(endpoint: string, waitMs = 5_000): Promise<boolean> {
  const { hostname, port } = new URL(endpoint);
  const deadline = Date.now() + waitMs;
  while (Date.now() < deadline) {
    const socket = connect(Number(port), hostname);
    const refused = await new Promise<boolean>((resolve) => {
      socket.once('connect', () => resolve(false)).once('error', () => resolve(true));
    });
    socket.destroy();
    if (refused) return true;
    await sleep(100);
  }
  return false;
}

async function bucketNames(endpoint: string): Promise<string[]> {
  const xml = await (await fetch(endpoint)).text();
  return [...xml.matchAll(/<Name>([^<]+)<\/Name>/g)].map((match) => match[1] ?? '');
}

describe('startMotoServer', () => {
  let tempDir: string;

  beforeAll(async () => {
    tempDir = await mkdtemp(path.join(tmpdir(), 'moto-server-'));
  });

  afterAll(async () => {
    await rm(tempDir, { recursive: true, force: true });
  });

  /** An executable shell script standing in for moto_server (it receives the same -H/-p arguments). */
  async function fakeMoto(name: string, body: string): Promise<string> {
    const file = path.join(tempDir, name);
    await writeFile(file, `#!/bin/sh\n${body}\n`);
    await chmod(file, 0o755);
    return file;
  }

  describe('a running server', () => {
    let moto: MotoServer;

    beforeAll(async () => {
      moto = await startMotoServer();
    });

    afterAll(async () => {
      await moto.stop();
    });

    it('listens on a loopback port and answers its health check', async () => {
      expect(moto.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await fetch(`${moto.endpoint}/moto-api/`)).status).toBe(200);
    });

    it('forgets every resource on reset', async () => {
      // moto does not check signatures, so a plain PUT creates a bucket
      expect((await fetch(`${moto.endpoint}/reset-probe-bucket`, { method: 'PUT' })).status).toBe(200);
      expect(await bucketNames(moto.endpoint)).toEqual(['reset-probe-bucket']);

      await moto.reset();

      expect(await bucketNames(moto.endpoint)).toEqual([]);
    });

    it('lets exactly one of concurrent conditional puts of an item succeed, as DynamoDB does (motoPatches)', async () => {
      const { dynamodb } = regionClients(moto.endpoint, 'us-east-1');
      const TableName = 'atomic-writes';
      const keySchema = { AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' as const }], KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' as const }] };
      await dynamodb.send(new CreateTableCommand({ TableName, BillingMode: 'PAY_PER_REQUEST', ...keySchema }));
      // A long condition widens moto's gap between check and write: unpatched, about every other round had two winners.
      const terms = Array.from({ length: 60 }, (_, index) => `(attribute_not_exists(c${index}) OR c${index} <> :v)`);
      const ConditionExpression = ['attribute_not_exists(id)', ...terms].join(' AND ');
      const claim = (id: string) =>
        dynamodb
          .send(new PutItemCommand({ TableName, Item: { id: { S: id } }, ConditionExpression, ExpressionAttributeValues: { ':v': { S: 'v' } } }))
          .then(
            () => 1,
            (error: unknown) => {
              if (error instanceof ConditionalCheckFailedException) return 0;
              throw error;
            },
          );

      const winners: number[] = [];
      for (let round = 0; round < 20; round++) {
        const id = `job-${round}`;
        const outcomes = await Promise.all([claim(id), claim(id), claim(id), claim(id)]);
        winners.push(outcomes.reduce((sum, won) => sum + won, 0));
      }

      expect(winners).toEqual(Array(20).fill(1));
    });
  });

  it('records every request, signed as it came, into a file of its own that stop() removes (record: true)', async () => {
    const moto = await startMotoServer({ record: true });
    const plain = await startMotoServer();
    try {
      const authorization = 'AWS4-HMAC-SHA256 Credential=etl-function-eu-west-1/20260101/eu-west-1/s3/aws4_request, SignedHeaders=host, Signature=0';
      await (await fetch(`${moto.endpoint}/recorded-bucket`, { method: 'PUT', headers: { Authorization: authorization } })).text();
      const lines = (await moto.recording()).trim().split('\n').map((line) => JSON.parse(line) as { method: string; url: string; headers: Record<string, string> });
      // its own health checks (GET /moto-api/) are recorded too
      expect(lines.filter((line) => !new URL(line.url).pathname.startsWith('/moto-api/'))).toEqual([expect.objectContaining({ method: 'PUT', url: `${moto.endpoint}/recorded-bucket`, headers: expect.objectContaining({ Authorization: authorization }) })]);
      await expect(plain.recording()).rejects.toThrow('moto_server was started without record: true');
    } finally {
      await Promise.all([moto.stop(), plain.stop()]);
    }
    // two servers recording at once would otherwise append to one ./moto_recording
    await expect(readFile(path.join(process.cwd(), 'moto_recording'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('stops the process and frees the port; stopping twice is harmless', async () => {
    const moto = await startMotoServer();
    await moto.stop();

    expect(await portClosed(moto.endpoint)).toBe(true);
    await expect(moto.stop()).resolves.toBeUndefined();
  });

  it('says how to install moto when the command does not exist (MOTO_SERVER_BIN)', async () => {
    const saved = process.env.MOTO_SERVER_BIN;
    process.env.MOTO_SERVER_BIN = path.join(tempDir, 'no-such-moto_server');
    try {
      await expect(startMotoServer()).rejects.toThrow('moto_server not found: install it with pip install "moto[server]"');
    } finally {
      if (saved === undefined) delete process.env.MOTO_SERVER_BIN;
      else process.env.MOTO_SERVER_BIN = saved;
    }
  });

  it("reports moto's output when it exits during start-up", async () => {
    const command = await fakeMoto('crashing', 'echo "ImportError: No module named flask" >&2; exit 3');

    await expect(startMotoServer({ command })).rejects.toThrow(/exited with code 3; its output:\nImportError: No module named flask/);
  });

  it('kills a server that does not answer in time', async () => {
    const pidFile = path.join(tempDir, 'silent.pid');
    const command = await fakeMoto('silent', `echo $$ > ${pidFile}; exec sleep 30`);

    await expect(startMotoServer({ command, startTimeoutMs: 500 })).rejects.toThrow(/did not answer GET .* within 500 ms/);
    const pid = Number(await readFile(pidFile, 'utf8'));
    expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
  });

  it('retries on another port when the chosen one is taken before moto binds it', async () => {
    const marker = path.join(tempDir, 'port-taken-once');
    const command = await fakeMoto(
      'busy-once',
      `if [ ! -e ${marker} ]; then touch ${marker}; echo "Address already in use" >&2; exit 1; fi\nexec moto_server "$@"`,
    );

    const moto = await startMotoServer({ command });
    try {
      expect((await fetch(`${moto.endpoint}/moto-api/`)).status).toBe(200);
    } finally {
      await moto.stop();
    }
  });

  describe('never outlives the process that started it', () => {
    /** A Node process that starts moto, prints its endpoint, then runs `then`. */
    function parentProcess(then: string) {
      const modulePath = path.join(__dirname, '..', 'src', 'motoServer');
      const script = `
        const { startMotoServer } = require(${JSON.stringify(modulePath)});
        startMotoServer().then((moto) => { console.log(moto.endpoint); ${then} });`;
      const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
      const endpoint = once(child.stdout, 'data').then(([chunk]) => String(chunk).trim());
      return { child, endpoint };
    }

    it('on exit', async () => {
      const { child, endpoint } = parentProcess('process.exit(0);');
      const [code] = await once(child, 'exit');

      expect(code).toBe(0);
      expect(await portClosed(await endpoint)).toBe(true);
    });

    it('on SIGTERM, and the parent still ends by that signal', async () => {
      const { child, endpoint } = parentProcess('setInterval(() => {}, 1000);');
      const url = await endpoint;
      child.kill('SIGTERM');
      const [, signal] = await once(child, 'exit');

      expect(signal).toBe('SIGTERM');
      expect(await portClosed(url)).toBe(true);
    });
  });
});
