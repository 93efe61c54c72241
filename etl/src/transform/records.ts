import type { Column } from './types';

/** Records read from one stretch of the source, with where each starts. */
export interface RecordBatch<R> {
  readonly records: readonly R[];
  /** 1-based source line where each record starts. */
  readonly lines: readonly number[];
  /** Records that are malformed before any typing (bad quotes, invalid JSON): index in `records` → reason. */
  readonly problems?: ReadonlyMap<number, string>;
  /** Source text of a record for the rejected output (delimited text is re-serialised from its fields). */
  rawText(index: number): string;
  /** Size of a record's source text in characters (delimited text: of its fields), without building it. */
  chars(index: number): number;
}

/** Where a record's values go: column arrays of the row group being built, indexed by `row`. */
export interface RowTarget {
  readonly values: readonly unknown[][];
  readonly row: number;
}

/**
 * Typed values of one record into `target.values[column][target.row]`; returns why the record is rejected instead
 * (naming the column), or undefined when every value fits. A rejected record may leave values behind at `row`: the
 * next record overwrites them.
 */
export type RowWriter<R> = (record: R, target: RowTarget) => string | undefined;

/** A source format as the row pipeline sees it. */
export interface TabularSource<R> {
  readonly batches: AsyncIterable<RecordBatch<R>>;
  /** Whether a record may be in the type sample: it is well-formed (one field per column; a JSON object). */
  isSampleable(record: R): boolean;
  inferColumns(sample: readonly R[]): Column[];
  rowWriter(columns: readonly Column[]): RowWriter<R>;
}
