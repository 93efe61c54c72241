import { outputKeys } from '../src/outputKeys';

describe('outputKeys', () => {
  it('puts the dataset, the UTC event date, the base name and the job id in the keys', () => {
    expect(outputKeys('input/sales/orders.csv', 'job1', '2026-11-25T23:59:59Z')).toEqual({
      dataset: 'sales',
      parquet: 'processed/sales/dt=2026-11-25/orders-job1.parquet',
      rejected: 'rejected/sales/dt=2026-11-25/orders-job1.jsonl.gz',
    });
  });

  it('files objects directly under input/ under the _root dataset', () => {
    expect(outputKeys('input/orders.csv', 'job1', '2026-11-25T10:00:00Z').parquet).toBe('processed/_root/dt=2026-11-25/orders-job1.parquet');
  });

  it('keeps only the first folder as dataset and drops .gz and the format extension', () => {
    expect(outputKeys('input/sales/2026/jan/orders.v2.csv.gz', 'job1', '2026-01-31T10:00:00Z').parquet).toBe(
      'processed/sales/dt=2026-01-31/orders.v2-job1.parquet',
    );
  });

  it('keeps spaces, + and unicode intact', () => {
    expect(outputKeys('input/mes données/Q1 report+final.jsonl', 'job1', '2026-11-25T10:00:00Z').parquet).toBe(
      'processed/mes données/dt=2026-11-25/Q1 report+final-job1.parquet',
    );
  });

  it('dates by UTC whatever the offset of the event time', () => {
    expect(outputKeys('input/a.csv', 'j', '2026-11-25T23:30:00-02:00').parquet).toContain('dt=2026-11-26/');
  });
});
