import { SAMPLE_ROWS } from './inferSchema';
import type { RecordBatch, TabularSource } from './records';

/** Records (well-formed or not) among which the sample is looked for; they are held in memory until it is taken. */
export const SAMPLE_SEARCH_RECORDS = 10 * SAMPLE_ROWS;
/** Characters of source text among which the sample is looked for: bounds the memory of a file of huge bad lines. */
export const SAMPLE_SEARCH_CHARS = 16 * 1024 * 1024;

/**
 * The type sample: the first SAMPLE_ROWS well-formed records (ragged rows, bad quotes, invalid JSON and lines that are
 * not JSON objects are skipped, not counted) among the first SAMPLE_SEARCH_RECORDS records and SAMPLE_SEARCH_CHARS
 * characters. Records are taken one by one in source order, so the same file gets the same sample however its body was
 * chunked into batches.
 */
export class SampleSearch<R> {
  readonly sample: R[] = [];
  /** Records looked at. */
  records = 0;
  private chars = 0;

  constructor(private readonly source: Pick<TabularSource<R>, 'isSampleable'>) {}

  get done(): boolean {
    return this.sample.length === SAMPLE_ROWS || this.records === SAMPLE_SEARCH_RECORDS || this.chars >= SAMPLE_SEARCH_CHARS;
  }

  /** Looks at the batch's records while the search is not done; true once it is. */
  add(batch: RecordBatch<R>): boolean {
    for (let index = 0; index < batch.records.length && !this.done; index++) {
      const record = batch.records[index]!;
      if (!batch.problems?.has(index) && this.source.isSampleable(record)) this.sample.push(record);
      this.records++;
      this.chars += batch.chars(index);
    }
    return this.done;
  }
}
