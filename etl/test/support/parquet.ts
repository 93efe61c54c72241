import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { decompress } from 'fzstd';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';

export interface ParquetFile {
  readonly rows: Record<string, unknown>[];
  /** Key-value metadata of the footer. */
  readonly metadata: Record<string, string | undefined>;
}

/**
 * hyparquet reads SNAPPY by itself; the ETL writes ZSTD pages (DuckDB's COPY), inflated with fzstd. fzstd sizes the
 * output from the frame header: handed an output buffer, it compares that buffer with `== 1`, which turns all of it
 * into a string first (most of the tests' read-back time). hyparquet checks the page length against its header.
 */
export const PARQUET_DECOMPRESSORS = {
  ZSTD: (input: Uint8Array): Uint8Array => decompress(input),
};

/** Downloads a Parquet object and reads it back with hyparquet (an independent reader). */
export async function readParquetObject(s3: S3Client, bucket: string, key: string): Promise<ParquetFile> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const bytes = (await object.Body?.transformToByteArray()) ?? new Uint8Array();
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const rows = await parquetReadObjects({ file, compressors: PARQUET_DECOMPRESSORS });
  const metadata = Object.fromEntries((parquetMetadata(file).key_value_metadata ?? []).map(({ key: name, value }) => [name, value]));
  return { rows, metadata };
}
