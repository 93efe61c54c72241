import type { Writable } from 'node:stream';
import { ParquetWriter, type ColumnSource, type SchemaElement } from 'hyparquet-writer';
import type { RowTarget } from './records';
import { StreamWriter } from './streamWriter';
import type { Column, ColumnType } from './types';

/** Rows per row group: large enough for good compression and few footer entries, small enough to bound memory. */
export const ROW_GROUP_ROWS = 50_000;
/** Approximate in-memory size at which a row group is written before it has ROW_GROUP_ROWS rows (long text). */
const ROW_GROUP_BYTES = 32 * 1024 * 1024;
/** Rough in-memory size of a non-text value, for the row-group size estimate. */
const FIXED_VALUE_BYTES = 8;

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
 * hyparquet-writer (SNAPPY, the built-in codec) straight into the stream, so memory holds one row group whatever the
 * input size.
 */
export class ParquetOutput implements RowTarget {
  values: unknown[][];
  row = 0;
  private approxBytes = 0;
  private readonly writer: ParquetWriter;
  private readonly sink: StreamWriter;
  private readonly textColumns: number[];
  private readonly fixedRowBytes: number;

  constructor(
    stream: Writable,
    private readonly columns: readonly Column[],
    options: ParquetOutputOptions,
  ) {
    this.values = columns.map(() => []);
    this.textColumns = columns.flatMap((column, index) => (column.type === 'string' ? [index] : []));
    this.fixedRowBytes = (columns.length - this.textColumns.length) * FIXED_VALUE_BYTES;
    this.sink = new StreamWriter(stream);
    this.writer = new ParquetWriter({
      writer: this.sink,
      schema: [
        { name: 'root', num_children: columns.length },
        ...columns.map((column) => ({ name: column.name, repetition_type: 'OPTIONAL' as const, ...SCHEMA[column.type] })),
      ],
      codec: 'SNAPPY',
      kvMetadata: Object.entries(options.metadata).map(([key, value]) => ({ key, value })),
      createdBy: options.createdBy,
    });
  }

  get bytesWritten(): number {
    return this.sink.bytesWritten;
  }

  /** Keeps the row just written at `row`; when the row group is full, the promise covers encoding and hand-off. */
  commitRow(): Promise<void> | undefined {
    let bytes = this.fixedRowBytes;
    for (const index of this.textColumns) {
      const value = this.values[index]![this.row];
      if (typeof value === 'string') bytes += value.length;
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
    return this.writer.write({ columnData, rowGroupSize: rows }) ?? undefined;
  }
}
