import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EnvironmentError } from '../../infra/src/config/errors';
import { UsageError } from '../src/errors';
import { resolveTarget } from '../src/target';

const ENVIRONMENTS = path.join(__dirname, '..', '..', 'environments');

describe('resolveTarget', () => {
  it('names the resources of an environment region from its definition', () => {
    expect(resolveTarget({ env: 'dev', region: 'eu-west-1' }, ENVIRONMENTS)).toEqual({
      region: 'eu-west-1',
      suffix: 'dev',
      env: 'dev',
      jobTable: 'analytics-jobs-eu-west-1-dev',
      queue: 'analytics-queue-eu-west-1-dev',
      deadLetterQueue: 'analytics-dlq-eu-west-1-dev',
    });
  });

  it('takes a suffix directly', () => {
    expect(resolveTarget({ suffix: 'pr-42', region: 'us-east-2' }, ENVIRONMENTS)).toMatchObject({
      env: undefined,
      jobTable: 'analytics-jobs-us-east-2-pr-42',
      deadLetterQueue: 'analytics-dlq-us-east-2-pr-42',
    });
  });

  it.each([
    [{ env: 'qa', region: 'us-east-1' }, '--env qa: no such environment; defined: dev, prod, staging'],
    [{ env: 'dev', region: 'eu-central-1' }, '--region eu-central-1: environment "dev" is not deployed there; its regions: us-east-1, eu-west-1, ap-southeast-1'],
    [{ env: 'dev' }, '--region is required'],
    [{ region: 'us-east-1' }, '--env <name> is required'],
    [{ env: 'dev', suffix: 'dev', region: 'us-east-1' }, 'give either --env or --suffix, not both'],
    [{ suffix: 'Dev_1', region: 'us-east-1' }, '--suffix "Dev_1": lowercase letters, digits and hyphens'],
    [{ suffix: 'dev', region: 'mars-north-1' }, '--region mars-north-1: unknown region; known regions: us-east-1,'],
  ])('%j → %s', (flags, message) => {
    expect(() => resolveTarget(flags, ENVIRONMENTS)).toThrow(UsageError);
    expect(() => resolveTarget(flags, ENVIRONMENTS)).toThrow(message);
  });

  it('names --environments when its folder does not exist', () => {
    expect(() => resolveTarget({ env: 'dev', region: 'us-east-1' }, '/nonexistent/environments')).toThrow(
      new UsageError('--environments /nonexistent/environments: folder not found; run from the repository root or pass --environments <dir>'),
    );
  });

  it('reports a broken definition through the loader', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ops-environments-'));
    mkdirSync(path.join(dir, 'dev'));
    writeFileSync(path.join(dir, 'dev', 'environment.json'), '{}');
    try {
      expect(() => resolveTarget({ env: 'dev', region: 'us-east-1' }, dir)).toThrow(EnvironmentError);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
});
