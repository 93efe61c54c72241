import { DataError } from '../errors';
import type { RecordBatch } from './records';

const BLANK = /^\s*$/;

interface JsonBatch extends RecordBatch<unknown> {
  readonly records: unknown[];
  readonly lines: number[];
  readonly problems: Map<number, string>;
  readonly raws: string[];
}

function emptyBatch(): JsonBatch {
  const raws: string[] = [];
  return { records: [], lines: [], problems: new Map(), raws, rawText: (index) => raws[index]!, chars: (index) => raws[index]!.length };
}

/**
 * Splits JSON Lines text (LF or CRLF) into parsed values, one batch per text chunk; blank lines are skipped but
 * counted. A line that does not parse is kept with its reason in `problems`. A line longer than a chunk is gathered
 * across chunks, so one line may be any size.
 */
export async function* readJsonLines(text: AsyncIterable<string>): AsyncGenerator<RecordBatch<unknown>> {
  let carry = '';
  let line = 1;
  let total = 0;
  const add = (batch: JsonBatch, raw: string): void => {
    const source = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (!BLANK.test(source)) {
      batch.lines.push(line);
      batch.raws.push(source);
      try {
        batch.records.push(JSON.parse(source));
      } catch (error) {
        batch.problems.set(batch.records.length, `not valid JSON (${(error as Error).message})`);
        batch.records.push(undefined);
      }
    }
    line++;
  };

  for await (const chunk of text) {
    const batch = emptyBatch();
    let from = 0;
    for (let at = chunk.indexOf('\n'); at !== -1; at = chunk.indexOf('\n', from)) {
      add(batch, carry + chunk.slice(from, at));
      carry = '';
      from = at + 1;
    }
    carry += chunk.slice(from);
    total += batch.records.length;
    if (batch.records.length > 0) yield batch;
  }
  const last = emptyBatch();
  if (carry !== '') add(last, carry);
  total += last.records.length;
  if (last.records.length > 0) yield last;
  if (total === 0) {
    throw new DataError('EMPTY_FILE', 'The file has no JSON lines: it is empty or blank. Upload a file with data.');
  }
}
