import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { DataError } from '../errors';
import type { CopiedTable } from './copiedTable';
import { copyDelimited } from './delimitedCopy';
import { connect } from './duckDb';
import { detectFormat, type KeyFormat } from './detectFormat';
import { copyJsonLines } from './jsonLinesCopy';
import { parquetColumns, type ParquetTarget } from './parquetCopy';
import { RejectedOutput } from './rejectedOutput';
import { stageSource } from './stageSource';
import type { TransformInput, TransformResult } from './types';

const DEFAULT_MAX_TEXT_BYTES = 5 * 1024 ** 3;
/** Chunks the Parquet file is streamed out in (the upload sends 5 MiB parts). */
const OUTPUT_CHUNK_BYTES = 1024 * 1024;

/**
 * One source object (CSV/TSV/TXT/JSON Lines, optionally gzip) into a Parquet file, in DuckDB: the body is staged as
 * checked UTF-8 text in a job directory under scratchDir, DuckDB reads it once straight into a ZSTD Parquet file (column
 * types sniffed, records that do not fit stored as rejects), and the file is streamed into `input.parquet`. Bad files
 * are DataErrors; the outputs are ended on success only; the job directory is removed either way.
 */
export async function transform(input: TransformInput): Promise<TransformResult> {
  const rejected = new RejectedOutput(input.openRejected);
  let work: string | undefined;
  try {
    const keyFormat = detectFormat(input.key);
    const scratch = input.scratchDir ?? tmpdir();
    work = await mkdtemp(join(scratch, 'etl-job-'));
    const source = await stageSource(input.body, {
      path: join(work, 'source'),
      gzipByName: keyFormat.gzipByName,
      maxTextBytes: input.maxTextBytes ?? DEFAULT_MAX_TEXT_BYTES,
      ...(input.checkpoint ? { checkpoint: input.checkpoint } : {}),
    });
    if (source.blank) throw emptyFile(keyFormat);

    const connection = await connect({
      threads: input.threads ?? availableParallelism(),
      memoryLimitMb: input.memoryLimitMb,
      spillLimitMb: input.spillLimitMb,
      tempDirectory: join(scratch, 'etl-duckdb-spill'),
    });
    try {
      const target: ParquetTarget = { path: join(work, 'output.parquet'), metadata: input.metadata, ...(input.checkpoint ? { checkpoint: input.checkpoint } : {}) };
      const table =
        keyFormat.format === 'jsonl'
          ? await copyJsonLines(connection, source.path, join(work, 'objects.jsonl'), target)
          : await copyDelimited(connection, source.path, keyFormat.delimiter, target);
      const recordsIn = table.recordsOut + table.rejectedCount;
      if (recordsIn === 0) throw emptyFile(keyFormat);
      await checkRejectedShare(table, recordsIn, input.maxRejectedShare);
      const columns = await parquetColumns(connection, target.path);
      input.checkpoint?.();

      for (const { line, reason, raw } of await table.rejections()) {
        const drained = rejected.add(line, reason, raw);
        if (drained) await drained;
      }
      await rejected.finish();
      await pipeline(createReadStream(target.path, { highWaterMark: OUTPUT_CHUNK_BYTES }), input.parquet);
      return {
        format: table.format,
        compressed: source.compressed,
        columns,
        recordsIn,
        recordsOut: table.recordsOut,
        recordsRejected: table.rejectedCount,
        bytesIn: source.storedBytes,
        parquetBytes: (await stat(target.path)).size,
        rejectedBytes: rejected.bytesWritten,
      };
    } finally {
      connection.closeSync();
    }
  } catch (error) {
    rejected.abort();
    throw error;
  } finally {
    // a body that was not read to the end holds its connection open (no-op when it was)
    input.body.destroy();
    if (work) await rm(work, { recursive: true, force: true });
  }
}

function emptyFile(keyFormat: KeyFormat): DataError {
  return new DataError(
    'EMPTY_FILE',
    keyFormat.format === 'jsonl'
      ? 'The file has no JSON lines: it is empty or blank. Upload a file with data.'
      : 'The file has no data rows: it is empty, blank or only a header row. Upload a file with data.',
  );
}

async function checkRejectedShare(table: CopiedTable, recordsIn: number, maxShare: number): Promise<void> {
  const share = table.rejectedCount / recordsIn;
  if (share <= maxShare) return;
  const first = (await table.rejections())[0];
  const percent = (value: number): string => `${(value * 100).toFixed(2).replace(/\.?0+$/, '')}%`;
  throw new DataError(
    'TOO_MANY_REJECTED_ROWS',
    `${table.rejectedCount} of ${recordsIn} rows (${percent(share)}) do not fit the columns, above the limit of ` +
      `${percent(maxShare)}; first: line ${first?.line}: ${first?.reason}. Column types come from the first rows: fix the ` +
      'rows, or make the first rows representative of the file.',
  );
}
