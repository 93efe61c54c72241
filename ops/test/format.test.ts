import { detail, formatJob, formatJobTable, toJson } from '../src/format';

const WINDOW = { from: '2026-10-05T10:00:00.000Z', to: '2026-10-05T11:00:00.000Z' };
const HEADING = { table: 'analytics-jobs-us-east-1-dev (us-east-1)', statuses: ['FAILED'], window: WINDOW, limit: 50 };

const failed = {
  job_id: 'aaaa',
  status: 'FAILED',
  created_at: '2026-10-05T10:15:00.000Z',
  key: 'input/sales/empty.csv',
  error_code: 'EMPTY_FILE',
  error_message: 'the file is empty:\nupload it again',
};
const succeeded = {
  job_id: 'bbbbbbbb',
  status: 'SUCCEEDED',
  created_at: '2026-10-05T10:30:00.000Z',
  key: `input/${'deep/'.repeat(20)}orders.csv`,
  records_in: 10,
  records_out: 9,
  records_rejected: 1,
};

describe('formatJobTable', () => {
  it('prints aligned columns under what was asked, with a count', () => {
    expect(formatJobTable({ jobs: [failed, succeeded], total: 2 }, HEADING)).toBe(
      [
        'FAILED jobs created 2026-10-05T10:00:00.000Z .. 2026-10-05T11:00:00.000Z in analytics-jobs-us-east-1-dev (us-east-1):',
        '',
        'JOB ID    STATUS     CREATED AT                SOURCE KEY                                                    DETAIL',
        'aaaa      FAILED     2026-10-05T10:15:00.000Z  input/sales/empty.csv                                         EMPTY_FILE: the file is empty: upload it again',
        `bbbbbbbb  SUCCEEDED  2026-10-05T10:30:00.000Z  …${succeeded.key.slice(-59)}  records out 9 (in 10, rejected 1)`,
        '',
        '2 jobs.',
        '',
      ].join('\n'),
    );
  });

  it('says when the limit cut the list', () => {
    expect(formatJobTable({ jobs: [failed], total: 3 }, HEADING)).toMatch(/\n1 of 3 jobs shown \(the newest\); raise --limit or narrow the window for the rest\.\n$/);
  });

  it('says when nothing matched', () => {
    expect(formatJobTable({ jobs: [], total: 0 }, HEADING)).toBe(
      'No FAILED jobs created 2026-10-05T10:00:00.000Z .. 2026-10-05T11:00:00.000Z in analytics-jobs-us-east-1-dev (us-east-1).\n',
    );
  });
});

describe('detail', () => {
  it('shows how far a running job got and its last transient error', () => {
    expect(detail({ status: 'RUNNING', stage: 'READING', attempt: 2, lease_expires_at: '2026-10-05T10:20:00.000Z', last_error: 'TimeoutError: socket' })).toBe(
      'stage READING, attempt 2, lease until 2026-10-05T10:20:00.000Z; last error TimeoutError: socket',
    );
  });

  it('says when a replay was requested and the attempt it runs as', () => {
    expect(detail({ status: 'REPLAY_REQUESTED', attempt: 1, replay_requested_at: '2026-10-05T10:20:00.000Z' })).toBe(
      'replay requested at 2026-10-05T10:20:00.000Z: runs as attempt 2',
    );
  });
});

describe('formatJob', () => {
  it('prints every attribute, the important ones first, multi-line values indented', () => {
    expect(formatJob({ zeta: { nested: true }, etl_version: '1.2.3', ...failed })).toBe(
      [
        'job_id         aaaa',
        'status         FAILED',
        'error_code     EMPTY_FILE',
        'error_message  the file is empty:',
        '               upload it again',
        'created_at     2026-10-05T10:15:00.000Z',
        'key            input/sales/empty.csv',
        'etl_version    1.2.3',
        'zeta           {',
        '                 "nested": true',
        '               }',
        '',
      ].join('\n'),
    );
  });
});

describe('toJson', () => {
  it('writes sets as arrays', () => {
    expect(JSON.parse(toJson({ tags: new Set(['a', 'b']) }))).toEqual({ tags: ['a', 'b'] });
  });
});
