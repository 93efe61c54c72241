import { createReadStream } from 'node:fs';

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const READ_BYTES = 1024 * 1024;

/** A data record of a CSV file: the physical line it starts on (1-based) and its text without the line break. */
export interface CsvRecord {
  readonly line: number;
  readonly raw: string;
}

/**
 * The data records DuckDB returned as rows number `rows` (1-based, ascending), found in the file: DuckDB numbers
 * neither lines nor records of the rows it returns, so a row the ETL rejects after reading is located here. Records
 * end at a line break outside quotes (RFC 4180, quotes doubled inside a field, as the ETL reads them); blank lines are
 * skipped, the first record is the header, and the records DuckDB rejected itself (`rejectedStarts`: 0-based offsets of
 * their first byte) returned no row. Throws when the file has fewer records than that: then the ETL and DuckDB split
 * the file differently, and no line may be guessed.
 */
export async function csvRecordsAt(path: string, rows: readonly number[], rejectedStarts: ReadonlySet<number>): Promise<CsvRecord[]> {
  const found: CsvRecord[] = [];
  if (rows.length === 0) return found;
  let position = 0;
  let line = 1;
  let quoted = false;
  /** The current record: where it starts, its line, and its bytes so far when it is one of `rows`. */
  let start = -1;
  let startLine = 0;
  let row = -1; // the header is row 0
  let text: Buffer[] | undefined;
  /** LF ends a line (CRLF too); a file without any LF in its first block is a CR-only file. */
  let lineEnd = -1;
  const endRecord = (chunk: Buffer, from: number, to: number): void => {
    if (text) {
      text.push(chunk.subarray(from, to));
      let raw = Buffer.concat(text).toString('utf8');
      if (raw.endsWith('\r')) raw = raw.slice(0, -1);
      found.push({ line: startLine, raw });
      text = undefined;
    }
    start = -1;
  };
  for await (const chunk of createReadStream(path, { highWaterMark: READ_BYTES }) as AsyncIterable<Buffer>) {
    if (lineEnd === -1) lineEnd = chunk.includes(LF) || !chunk.includes(CR) ? LF : CR;
    let at = 0;
    // The next line end and quote at or after `at`, searched again only once `at` has passed them: searching the rest
    // of the chunk at every record would take time quadratic in the records of a chunk
    let feed = chunk.indexOf(lineEnd);
    let quote = chunk.indexOf(QUOTE);
    while (at < chunk.length && found.length < rows.length) {
      if (start === -1) {
        // blank lines (and a CR before their LF) belong to no record
        const byte = chunk[at]!;
        if (byte === LF || byte === CR) {
          if (byte === lineEnd) line++;
          at++;
          continue;
        }
        start = position + at;
        startLine = line;
        if (!rejectedStarts.has(start)) row++;
        if (row === rows[found.length] && !rejectedStarts.has(start)) text = [];
      }
      if (feed !== -1 && feed < at) feed = chunk.indexOf(lineEnd, at);
      if (quote !== -1 && quote < at) quote = chunk.indexOf(QUOTE, at);
      if (quote !== -1 && (feed === -1 || quote < feed)) {
        quoted = !quoted;
        text?.push(chunk.subarray(at, quote + 1));
        at = quote + 1;
      } else if (feed !== -1) {
        line++;
        if (quoted) {
          text?.push(chunk.subarray(at, feed + 1));
        } else {
          endRecord(chunk, at, feed);
        }
        at = feed + 1;
      } else {
        text?.push(chunk.subarray(at));
        at = chunk.length;
      }
    }
    if (found.length === rows.length) return found;
    position += chunk.length;
  }
  if (start !== -1) endRecord(Buffer.alloc(0), 0, 0);
  if (found.length < rows.length) {
    throw new Error(`${path}: DuckDB returned row ${rows[found.length]}, but the file has only ${row} data records as the ETL splits it`);
  }
  return found;
}
