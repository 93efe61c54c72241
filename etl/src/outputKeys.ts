import { INPUT_PREFIX } from './objectCreatedEvent';

export interface OutputKeys {
  /** First folder under `input/`; `_root` for a file directly under `input/`. */
  readonly dataset: string;
  readonly parquet: string;
  readonly rejected: string;
}

/**
 * Where a job writes: `processed/<dataset>/dt=<event date, UTC>/<file>-<job id>.parquet` and the same under
 * `rejected/` with `.jsonl.gz`. Derived only from the source key, job id and event time, so a retry overwrites
 * its own output instead of adding a file. `<file>` is the base name without `.gz` and the format extension
 * (`input/sales/2026/jan/orders.v2.csv.gz` → `orders.v2`); deeper folders are not kept, the job id keeps names unique.
 */
export function outputKeys(sourceKey: string, jobId: string, eventTime: string): OutputKeys {
  const path = sourceKey.slice(INPUT_PREFIX.length).split('/');
  const fileName = path.pop() ?? '';
  const dataset = path[0] || '_root';
  const file = fileName.replace(/\.gz$/i, '').replace(/\.[^.]*$/, '');
  const date = new Date(eventTime).toISOString().slice(0, 10);
  const name = `${dataset}/dt=${date}/${file}-${jobId}`;
  return { dataset, parquet: `processed/${name}.parquet`, rejected: `rejected/${name}.jsonl.gz` };
}
