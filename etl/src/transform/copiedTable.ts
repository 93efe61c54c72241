import type { SourceFormat } from './types';

export interface Rejection {
  /** 1-based source line the record starts on. */
  readonly line: number;
  readonly reason: string;
  /** The record's source text. */
  readonly raw: string;
}

/** A source read into the Parquet file by DuckDB, with what it rejected. */
export interface CopiedTable {
  readonly format: SourceFormat;
  readonly recordsOut: number;
  readonly rejectedCount: number;
  /** The rejected records in source order (looked up only once the file is accepted). */
  rejections(): Promise<readonly Rejection[]>;
}
