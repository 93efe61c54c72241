import { DataError } from '../errors';
import { decodeText } from './decodeText';
import { openBody } from './decompress';
import { detectFormat, type KeyFormat } from './detectFormat';
import { checkHeader, inferJsonColumns, inferTextColumns, isJsonObject } from './inferSchema';
import { ParquetOutput } from './parquetOutput';
import { processRecords, type ProcessedRecords, type RecordSinks } from './processRecords';
import { readCsvRows } from './readCsvRows';
import { readJsonLines } from './readJsonLines';
import type { TabularSource } from './records';
import { RejectedOutput } from './rejectedOutput';
import { jsonRowWriter, textRowWriter } from './rowWriters';
import type { SourceFormat, TransformInput, TransformResult } from './types';

/**
 * Streams one source object (CSV/TSV/TXT/JSON Lines, optionally gzip) into a Parquet file with inferred column types,
 * and rows that do not fit into the rejected output. Bad files are DataErrors; the outputs are ended on success only.
 */
export async function transform(input: TransformInput): Promise<TransformResult> {
  const stored = { bytes: 0 };
  const rejected = new RejectedOutput(input.openRejected);
  try {
    const keyFormat = detectFormat(input.key);
    const body = await openBody(input.body, keyFormat.gzipByName, stored);
    const { format, process } = await openSource(decodeText(body.chunks), keyFormat);
    const { parquet, columns, recordsIn, recordsOut } = await process({
      openParquet: (inferred) =>
        new ParquetOutput(input.parquet, inferred, { metadata: input.metadata, createdBy: createdBy(input.metadata) }),
      rejected,
      checkpoint: input.checkpoint,
    });
    checkRejectedShare(rejected, recordsIn, input.maxRejectedShare);
    await parquet.finish();
    await rejected.finish();
    return {
      format,
      compressed: body.compressed,
      columns,
      recordsIn,
      recordsOut,
      recordsRejected: rejected.count,
      bytesIn: stored.bytes,
      parquetBytes: parquet.bytesWritten,
      rejectedBytes: rejected.bytesWritten,
    };
  } catch (error) {
    rejected.abort();
    throw error;
  } finally {
    // a body that was not read to the end holds its connection open (no-op when it was)
    input.body.destroy();
  }
}

interface OpenedSource {
  readonly format: SourceFormat;
  process(sinks: RecordSinks): Promise<ProcessedRecords>;
}

/** The format-specific reader, inference and row writer behind one interface (the record type stays inside). */
async function openSource(text: AsyncIterable<string>, keyFormat: KeyFormat): Promise<OpenedSource> {
  if (keyFormat.format === 'jsonl') {
    const source: TabularSource<unknown> = {
      batches: readJsonLines(text),
      isSampleable: isJsonObject,
      inferColumns: inferJsonColumns,
      rowWriter: jsonRowWriter,
    };
    return { format: 'jsonl', process: (sinks) => processRecords(source, sinks) };
  }
  const table = await readCsvRows(text, keyFormat.delimiter);
  const names = checkHeader(table.header, table.headerLine);
  const source: TabularSource<string[]> = {
    batches: table.batches,
    isSampleable: (row) => row.length === names.length,
    inferColumns: (sample) => inferTextColumns(names, sample),
    rowWriter: textRowWriter,
  };
  return { format: table.dialect.delimiter === '\t' ? 'tsv' : 'csv', process: (sinks) => processRecords(source, sinks) };
}

function createdBy(metadata: Readonly<Record<string, string>>): string {
  const version = metadata['etl_version'];
  return version ? `analytics-etl ${version}` : 'analytics-etl';
}

function checkRejectedShare(rejected: RejectedOutput, recordsIn: number, maxShare: number): void {
  const share = recordsIn === 0 ? 0 : rejected.count / recordsIn;
  if (share <= maxShare) return;
  const percent = (value: number): string => `${(value * 100).toFixed(2).replace(/\.?0+$/, '')}%`;
  throw new DataError(
    'TOO_MANY_REJECTED_ROWS',
    `${rejected.count} of ${recordsIn} rows (${percent(share)}) do not fit the columns, above the limit of ` +
      `${percent(maxShare)}; first: ${rejected.firstRejection}. Column types come from the first rows: fix the ` +
      'rows, or make the first rows representative of the file.',
  );
}
