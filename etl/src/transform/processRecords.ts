import { DataError } from '../errors';
import type { ParquetOutput } from './parquetOutput';
import type { RecordBatch, RowWriter, TabularSource } from './records';
import type { RejectedOutput } from './rejectedOutput';
import { SampleSearch } from './sampleSearch';
import type { Column } from './types';

export interface RecordSinks {
  openParquet(columns: readonly Column[]): ParquetOutput;
  readonly rejected: RejectedOutput;
  readonly checkpoint?: (() => void) | undefined;
}

export interface ProcessedRecords {
  readonly parquet: ParquetOutput;
  readonly columns: readonly Column[];
  readonly recordsIn: number;
  readonly recordsOut: number;
}

interface Destination<R> {
  readonly parquet: ParquetOutput;
  readonly columns: Column[];
  readonly writeRow: RowWriter<R>;
}

/**
 * Holds back the first batches while the type sample is looked for (sampleSearch.ts), infers the columns from it,
 * then writes every record in source order: into the Parquet row group, or to the rejected output with its line and
 * reason. Awaits only when an output asks to (a full row group, a full stream buffer).
 */
export async function processRecords<R>(source: TabularSource<R>, sinks: RecordSinks): Promise<ProcessedRecords> {
  const held: RecordBatch<R>[] = [];
  const search = new SampleSearch(source);
  let target: Destination<R> | undefined;
  const counts = { recordsIn: 0, recordsOut: 0 };

  const start = async (): Promise<Destination<R>> => {
    const columns = source.inferColumns(search.sample);
    if (columns.length === 0) {
      throw new DataError(
        'EMPTY_FILE',
        `No columns found: none of the first ${search.records} records is an object with any key. Each JSON line must ` +
          'be an object with keys.',
      );
    }
    const started = { parquet: sinks.openParquet(columns), columns, writeRow: source.rowWriter(columns) };
    for (const batch of held.splice(0)) await writeBatch(batch, started);
    return started;
  };

  const writeBatch = async (batch: RecordBatch<R>, into: Destination<R>): Promise<void> => {
    const { records, lines, problems } = batch;
    const { parquet, writeRow } = into;
    for (let index = 0; index < records.length; index++) {
      counts.recordsIn++;
      const reason = problems?.get(index) ?? writeRow(records[index]!, parquet);
      if (reason === undefined) {
        counts.recordsOut++;
        const rowGroupWritten = parquet.commitRow();
        if (rowGroupWritten) {
          await rowGroupWritten;
          sinks.checkpoint?.();
        }
      } else {
        const drained = sinks.rejected.add(lines[index]!, reason, batch.rawText(index));
        if (drained) await drained;
      }
    }
  };

  for await (const batch of source.batches) {
    sinks.checkpoint?.();
    if (target) {
      await writeBatch(batch, target);
    } else {
      held.push(batch);
      if (search.add(batch)) target = await start();
    }
  }
  target ??= await start();
  return { parquet: target.parquet, columns: target.columns, ...counts };
}
