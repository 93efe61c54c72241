import type { Writable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { ParquetWriter, type ColumnSource, type SchemaElement } from 'hyparquet-writer';
import type { RowTarget } from './records';
import { StreamWriter } from './streamWriter';
import type { Column, ColumnType } from './types';
import { Utf8Column } from './utf8Column';

/**
 * Rows per row group: large enough for good compression and few footer entries, small enough to bound memory. Peak
 * RSS follows it (hyparquet-writer copies and re-maps a row group's columns several times while encoding): on the
 * bench CSV 25k rows gave 139–142 MB at 100 MB and at 400 MB of input, 50k 157–179 MB, 100k 234 MB; the Parquet file
 * was 0.2% larger than with 50k.
 */
export const ROW_GROUP_ROWS = 25_000;
/** Approximate in-memory size at which a row group is written before it has ROW_GROUP_ROWS rows (long text). */
const ROW_GROUP_BYTES = 32 * 1024 * 1024;
/** Rough in-memory size of a non-text value, for the row-group size estimate. */
const FIXED_VALUE_BYTES = 8;
/**
 * Pages are GZIP, level 1, through node:zlib (native) instead of hyparquet-writer's default SNAPPY, a pure-JS codec.
 * Measured on the bench CSV (40 MB, 444k rows): transform CPU 2.7 s → 2.3 s, Parquet 16.8 MB → 11.6 MB, peak RSS
 * ~270 MB → ~150 MB (the JS Snappy grows a fresh buffer per page). Higher levels gained ≤ 7% size for +40–100% time.
 * GZIP is a core Parquet codec: Athena, Spark, pyarrow, DuckDB and hyparquet (with a decompressor) read it.
 */
const CODEC = 'GZIP';
const GZIP_LEVEL = 1;

const SCHEMA: Readonly<Record<ColumnType, Omit<SchemaElement, 'name'>>> = {
  int64: { type: 'INT64' },
  double: { type: 'DOUBLE' },
  boolean: { type: 'BOOLEAN' },
  timestamp: {
    type: 'INT64',
    converted_type: 'TIMESTAMP_MILLIS',
    logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MILLIS' },
  },
  string: { type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' } },
};

export interface ParquetOutputOptions {
  /** Key-value metadata of the file. */
  readonly metadata: Readonly<Record<string, string>>;
  readonly createdBy: string;
}

/**
 * Builds row groups column-wise (row writers fill `values[column][row]`) and encodes each full one with
 * hyparquet-writer (GZIP pages) straight into the stream, so memory holds one row group whatever the input size.
 */
export class ParquetOutput implements RowTarget {
  values: unknown[][];
  row = 0;
  private approxBytes = 0;
  private readonly writer: ParquetWriter;
  private readonly sink: StreamWriter;
  private readonly textColumns: number[];
  private readonly utf8: Utf8Column[];
  private readonly fixedRowBytes: number;

  constructor(
    stream: Writable,
    private readonly columns: readonly Column[],
    options: ParquetOutputOptions,
  ) {
    this.values = columns.map(() => []);
    this.textColumns = columns.flatMap((column, index) => (column.type === 'string' ? [index] : []));
    this.utf8 = this.textColumns.map(() => new Utf8Column());
    this.fixedRowBytes = (columns.length - this.textColumns.length) * FIXED_VALUE_BYTES;
    this.sink = new StreamWriter(stream);
    this.writer = new ParquetWriter({
      writer: this.sink,
      schema: [
        { name: 'root', num_children: columns.length },
        ...columns.map((column) => ({ name: column.name, repetition_type: 'OPTIONAL' as const, ...SCHEMA[column.type] })),
      ],
      codec: CODEC,
      compressors: { [CODEC]: (input: Uint8Array) => gzipSync(input, { level: GZIP_LEVEL }) },
      kvMetadata: Object.entries(options.metadata).map(([key, value]) => ({ key, value })),
      createdBy: options.createdBy,
    });
  }

  get bytesWritten(): number {
    return this.sink.bytesWritten;
  }

  /**
   * Keeps the row just written at `row`; when the row group is full, the promise covers encoding and hand-off. Text
   * becomes UTF-8 bytes here (see Utf8Column), so the parsed strings, and the parse batches they are slices of, are
   * garbage as soon as the row is done instead of surviving in the heap until the row group is written.
   */
  commitRow(): Promise<void> | undefined {
    let bytes = this.fixedRowBytes;
    for (let text = 0; text < this.textColumns.length; text++) {
      const values = this.values[this.textColumns[text]!]!;
      const value = values[this.row];
      if (typeof value === 'string') {
        bytes += value.length;
        values[this.row] = this.utf8[text]!.encode(value);
      }
    }
    this.row++;
    this.approxBytes += bytes;
    return this.row >= ROW_GROUP_ROWS || this.approxBytes >= ROW_GROUP_BYTES ? this.writeRowGroup() : undefined;
  }

  /** Writes the last row group, the footer, and ends the stream. */
  async finish(): Promise<void> {
    if (this.row > 0) await this.writeRowGroup();
    await this.writer.finish();
  }

  private writeRowGroup(): Promise<void> | undefined {
    const rows = this.row;
    const columnData: ColumnSource[] = this.columns.map((column, index) => {
      const data = this.values[index]!;
      data.length = rows; // a rejected last record may have left values behind
      return { name: column.name, data };
    });
    this.values = this.columns.map(() => []);
    this.row = 0;
    this.approxBytes = 0;
    // one row group per call: write() encodes it before returning, only the stream hand-off may be pending; so the
    // text bytes can be reused for the next row group once the statistics hold copies
    const written = this.writer.write({ columnData, rowGroupSize: rows }) ?? undefined;
    this.releaseStatisticValues();
    for (const column of this.utf8) column.reuse();
    return written;
  }

  /**
   * hyparquet-writer keeps each column chunk's min/max as the values it was given until finish() writes the footer.
   * Those are views of Utf8Column's reused blocks (a string would pin the whole ~64 KB parse batch it is a V8 substring
   * of, per row group: +135 MB peak RSS at 400 MB of CSV). Own copies instead.
   */
  private releaseStatisticValues(): void {
    for (const { meta_data } of this.writer.row_groups.at(-1)?.columns ?? []) {
      const statistics = meta_data?.statistics;
      if (!statistics) continue;
      statistics.min_value = detached(statistics.min_value);
      statistics.max_value = detached(statistics.max_value);
    }
  }
}

function detached<T>(value: T): T {
  if (value instanceof Uint8Array) return value.slice() as T;
  // a new flat string: JSON.parse never returns a substring of its input
  if (typeof value === 'string') return JSON.parse(JSON.stringify(value)) as T;
  return value;
}
