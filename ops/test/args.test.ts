import { parseJobsArgs, parseRedriveArgs } from '../src/args';
import { UsageError } from '../src/errors';
import { parseDuration, parseInstant, resolveWindow } from '../src/timeWindow';
import { DEFAULT_LIMIT } from '../src/usage';

const NOW = new Date('2026-10-05T11:00:00.000Z');
const TARGET = ['--env', 'dev', '--region', 'eu-west-1'];

describe('parseDuration', () => {
  it.each([
    ['30s', 30_000],
    ['30m', 1_800_000],
    ['1h', 3_600_000],
    ['1h30m', 5_400_000],
    ['7d', 604_800_000],
    ['2w', 1_209_600_000],
  ])('%s → %d ms', (text, ms) => {
    expect(parseDuration('--since', text)).toBe(ms);
  });

  it.each(['1hour', '1', 'h', '-1h', '1.5h', '', '0m'])('rejects "%s" with an example', (text) => {
    expect(() => parseDuration('--since', text)).toThrow(new RegExp(`^--since "${text}": .*such as 30m, 1h`));
  });
});

describe('parseInstant', () => {
  it.each([
    ['2026-10-05T14:00:00Z', '2026-10-05T14:00:00.000Z'],
    ['2026-10-05T14:00Z', '2026-10-05T14:00:00.000Z'],
    ['2026-10-05T16:00:00.5+02:00', '2026-10-05T14:00:00.500Z'],
    ['2026-10-05', '2026-10-05T00:00:00.000Z'],
  ])('%s → %s (the table spelling)', (text, iso) => {
    expect(parseInstant('--from', text)).toBe(iso);
  });

  it('asks for a zone rather than guessing the machine one', () => {
    expect(() => parseInstant('--from', '2026-10-05T14:00')).toThrow('--from "2026-10-05T14:00": give the time zone, e.g. 2026-10-05T14:00Z for UTC');
  });

  it.each(['yesterday', '2026-02-31', '2026-13-01', '2026-10-05T25:00Z', '1728136800'])('rejects "%s"', (text) => {
    expect(() => parseInstant('--to', text)).toThrow(`--to "${text}": expected an ISO-8601 time such as 2026-10-05T14:00:00Z`);
  });
});

describe('resolveWindow', () => {
  it('--since counts back from now', () => {
    expect(resolveWindow({ since: '1h' }, NOW)).toEqual({ from: '2026-10-05T10:00:00.000Z', to: '2026-10-05T11:00:00.000Z' });
  });

  it('defaults to the last 24 hours', () => {
    expect(resolveWindow({}, NOW)).toEqual({ from: '2026-10-04T11:00:00.000Z', to: '2026-10-05T11:00:00.000Z' });
  });

  it('--from alone ends now; --from/--to is a fixed range', () => {
    expect(resolveWindow({ from: '2026-10-05T09:00:00Z' }, NOW)).toEqual({ from: '2026-10-05T09:00:00.000Z', to: NOW.toISOString() });
    expect(resolveWindow({ from: '2026-10-01', to: '2026-10-02' }, NOW)).toEqual({ from: '2026-10-01T00:00:00.000Z', to: '2026-10-02T00:00:00.000Z' });
  });

  it('rejects contradictory flags', () => {
    expect(() => resolveWindow({ since: '1h', from: '2026-10-01' }, NOW)).toThrow('--since cannot be combined with --from/--to');
    expect(() => resolveWindow({ to: '2026-10-01' }, NOW)).toThrow('--to needs --from');
    expect(() => resolveWindow({ from: '2026-10-02', to: '2026-10-01' }, NOW)).toThrow('--from 2026-10-02T00:00:00.000Z is after --to 2026-10-01T00:00:00.000Z');
  });
});

describe('parseJobsArgs', () => {
  it('parses list with every flag', () => {
    expect(parseJobsArgs(['list', ...TARGET, '--status', 'failed,Running', '--status', 'FAILED', '--since', '1h', '--limit', '5', '--json'], NOW)).toEqual({
      kind: 'list',
      target: { env: 'dev', suffix: undefined, region: 'eu-west-1' },
      environmentsDir: 'environments',
      statuses: ['FAILED', 'RUNNING'],
      window: { from: '2026-10-05T10:00:00.000Z', to: '2026-10-05T11:00:00.000Z' },
      limit: 5,
      json: true,
    });
  });

  it('lists every status, the last 24h and the default limit when not told otherwise', () => {
    expect(parseJobsArgs(['list', '--suffix', 'pr-42', '--region', 'us-east-1'], NOW)).toMatchObject({
      target: { env: undefined, suffix: 'pr-42', region: 'us-east-1' },
      statuses: ['RUNNING', 'SUCCEEDED', 'FAILED', 'REPLAY_REQUESTED'],
      window: { from: '2026-10-04T11:00:00.000Z' },
      limit: DEFAULT_LIMIT,
      json: false,
    });
  });

  it('parses show with its job id', () => {
    expect(parseJobsArgs(['show', '0123abcd', ...TARGET], NOW)).toMatchObject({ kind: 'show', jobId: '0123abcd', json: false });
    expect(parseJobsArgs(['show', ...TARGET, '0123abcd', '--json'], NOW)).toMatchObject({ kind: 'show', jobId: '0123abcd', json: true });
  });

  it('parses replay with its job id', () => {
    expect(parseJobsArgs(['replay', '0123abcd', ...TARGET], NOW)).toEqual({
      kind: 'replay',
      target: { env: 'dev', suffix: undefined, region: 'eu-west-1' },
      environmentsDir: 'environments',
      jobId: '0123abcd',
    });
  });

  it('answers --help with the usage', () => {
    for (const argv of [[], ['--help'], ['list', '--help'], ['show', '-h'], ['replay', '--help']]) {
      expect(parseJobsArgs(argv, NOW)).toMatchObject({ kind: 'help', usage: expect.stringContaining('npm run jobs -- list') });
    }
  });

  it.each([
    [['list', ...TARGET, '--status', 'DONE'], '--status "DONE": unknown status; allowed: RUNNING, SUCCEEDED, FAILED, REPLAY_REQUESTED'],
    [['list', ...TARGET, '--since', 'an hour'], '--since "an hour": expected a duration such as 30m, 1h'],
    [['list', ...TARGET, '--limit', 'ten'], '--limit "ten": expected a whole number of at least 1, e.g. --limit 10'],
    [['list', ...TARGET, '--limt', '10'], "Unknown option '--limt'"],
    [['list', ...TARGET, 'extra'], "Unexpected argument 'extra'"],
    [['show', ...TARGET], 'show needs a job id'],
    [['show', 'a', 'b', ...TARGET], 'show takes one job id, got also: b'],
    [['replay', ...TARGET], 'replay needs a job id: npm run jobs -- replay <job-id> --env <name> --region <region>'],
    [['replay', 'a', ...TARGET, '--json'], "Unknown option '--json'"],
    [['delete', ...TARGET], 'unknown jobs command "delete"; expected list, show or replay'],
  ])('%j → usage error %s', (argv, message) => {
    const parse = () => parseJobsArgs(argv, NOW);
    expect(parse).toThrow(UsageError);
    expect(parse).toThrow(message);
  });
});

describe('parseRedriveArgs', () => {
  it('parses the target and --max', () => {
    expect(parseRedriveArgs([...TARGET, '--max', '25'])).toEqual({
      kind: 'redrive',
      target: { env: 'dev', suffix: undefined, region: 'eu-west-1' },
      environmentsDir: 'environments',
      max: 25,
    });
    expect(parseRedriveArgs(TARGET)).toMatchObject({ max: undefined });
  });

  it('rejects a bad --max and unknown flags', () => {
    expect(() => parseRedriveArgs([...TARGET, '--max', '-1'])).toThrow(/^Option '--max' argument is ambiguous\. Did you forget .* use '--max=-XYZ'\.$/);
    expect(() => parseRedriveArgs([...TARGET, '--max=-1'])).toThrow('--max "-1": expected a whole number of at least 1');
    expect(() => parseRedriveArgs([...TARGET, '--max', '0'])).toThrow('--max "0": expected a whole number of at least 1');
    expect(() => parseRedriveArgs([...TARGET, '--dry-run'])).toThrow("Unknown option '--dry-run'");
  });
});
