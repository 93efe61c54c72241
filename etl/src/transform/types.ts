import type { Readable, Writable } from 'node:stream';

/** A column of the Parquet output with its DuckDB type (BIGINT, DOUBLE, BOOLEAN, TIMESTAMP WITH TIME ZONE, VARCHAR, STRUCT(...), ...). */
export interface Column {
  readonly name: string;
  readonly type: string;
}

export type SourceFormat = 'csv' | 'tsv' | 'jsonl';

export interface TransformInput {
  /** Source object key; its extension picks the format (.csv .tsv .txt .jsonl .ndjson, each optionally .gz). */
  readonly key: string;
  /** The raw object bytes as stored (gzip when the key ends in .gz or the bytes start with the gzip magic). */
  readonly body: Readable;
  /** Receives the Parquet file; transform ends it on success and leaves it to the caller on failure (abort). */
  readonly parquet: Writable;
  /**
   * Opened on the first rejected row only (so a clean file writes no rejected object). Receives gzip-compressed
   * JSON Lines `{ "line": <1-based source line>, "reason": "...", "raw": "..." }`; ended by transform on success.
   */
  readonly openRejected: () => Writable;
  /** Parquet key-value metadata, e.g. etl_version and source object. */
  readonly metadata: Readonly<Record<string, string>>;
  /** Share of rejected rows (0..1) above which the whole file is a DataError TOO_MANY_REJECTED_ROWS. */
  readonly maxRejectedShare: number;
  /** Called regularly while reading; it throws (OutOfTimeError) to stop a run that is out of time. */
  readonly checkpoint?: () => void;
  /**
   * Local directory for the job's files (the source text, the Parquet file, DuckDB's spill files), removed after the
   * job, success or failure. @default os.tmpdir()
   */
  readonly scratchDir?: string;
  /** Bound on the source text (after gunzip) staged in scratchDir: more is OBJECT_TOO_LARGE. @default 5 GiB */
  readonly maxTextBytes?: number;
  /** DuckDB's memory_limit in MiB. @default DuckDB's own: 80% of the machine's memory */
  readonly memoryLimitMb?: number;
  /** DuckDB's worker threads. @default os.availableParallelism() (the function's vCPUs) */
  readonly threads?: number;
  /** The most DuckDB may spill to scratchDir (max_temp_directory_size), MiB. @default DuckDB's (90% of the free disk) */
  readonly spillLimitMb?: number;
}

export interface TransformResult {
  readonly format: SourceFormat;
  readonly compressed: boolean;
  readonly columns: readonly Column[];
  /** Data rows read (header and blank lines excluded). */
  readonly recordsIn: number;
  readonly recordsOut: number;
  readonly recordsRejected: number;
  /** Bytes read from the source as stored (compressed size for gzip). */
  readonly bytesIn: number;
  readonly parquetBytes: number;
  readonly rejectedBytes: number;
}
