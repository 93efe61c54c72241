import Papa from 'papaparse';
import { DataError } from '../errors';
import type { RecordBatch } from './records';
import { remaining } from './remaining';

/** Text handed to papaparse at a time: big enough to amortise a parse call, small enough to keep rows short-lived. */
const BATCH_CHARS = 64 * 1024;
/** Rows papaparse looks at to guess the delimiter and line break. */
const SNIFF_ROWS = 10;
const SNIFFED_DELIMITERS = [',', '\t', ';', '|'];

type Newline = '\n' | '\r\n' | '\r';

export interface CsvDialect {
  readonly delimiter: string;
  readonly newline: Newline;
}

export interface CsvTable {
  readonly dialect: CsvDialect;
  readonly header: readonly string[];
  readonly headerLine: number;
  /** Data records after the header, without blank lines. */
  readonly batches: AsyncIterable<RecordBatch<string[]>>;
}

/**
 * Reads delimited text (RFC 4180: quoted fields with doubled quotes, embedded line breaks, CRLF or LF) with
 * papaparse's core parser, fed ~64 KB at a time as the text arrives, so memory stays bounded and the source is only
 * read as fast as batches are consumed. The first non-blank record is the header. `delimiter` undefined: sniffed.
 */
export async function readCsvRows(text: AsyncIterable<string>, delimiter: string | undefined): Promise<CsvTable> {
  const iterator = text[Symbol.asyncIterator]();
  const start: string[] = [];
  let startChars = 0;
  let ended = false;
  while (startChars < BATCH_CHARS && !ended) {
    const next = await iterator.next();
    if (next.done) ended = true;
    else {
      start.push(next.value);
      startChars += next.value.length;
    }
  }
  const startText = start.join('');
  const dialect = sniffDialect(startText, delimiter);
  const batches = parseBatches(startText, ended ? undefined : iterator, dialect);

  for (let next = await batches.next(); !next.done; next = await batches.next()) {
    const batch = next.value;
    const header = batch.records[0];
    const headerLine = batch.lines[0];
    if (header === undefined || headerLine === undefined) continue;
    return { dialect, header, headerLine, batches: requireData(withoutFirst(batch), batches, headerLine) };
  }
  throw new DataError('EMPTY_FILE', 'The file is empty: there is no header row and no data. Upload a file with data.');
}

/**
 * papaparse's own guesses (line break outside quotes; most consistent delimiter over the first rows). Blank lines are
 * left out of the guess: the empty "row" after a final line break has one field, which drags a two-column file's
 * average below papaparse's threshold of 2 fields, and the file would be read as one column.
 */
export function sniffDialect(sample: string, delimiter: string | undefined): CsvDialect {
  const { meta } = Papa.parse<string[]>(sample, {
    preview: SNIFF_ROWS,
    delimiter,
    delimitersToGuess: SNIFFED_DELIMITERS,
    skipEmptyLines: true,
  });
  return { delimiter: meta.delimiter, newline: meta.linebreak as Newline };
}

interface PapaChunkResult {
  data: string[][];
  errors: Papa.ParseError[];
  meta: { cursor: number };
}

async function* parseBatches(
  start: string,
  rest: AsyncIterator<string> | undefined,
  dialect: CsvDialect,
): AsyncGenerator<RecordBatch<string[]>> {
  const parser = new Papa.Parser({ delimiter: dialect.delimiter, newline: dialect.newline });
  const position = { line: 1 };
  let carry = '';
  let parts = [start];
  let chars = start.length;
  for await (const chunk of rest ? remaining(rest) : []) {
    parts.push(chunk);
    chars += chunk.length;
    // papaparse re-reads an unfinished record from its start each time: growing the batch with the leftover keeps a
    // 10 MB record at O(size) in total instead of O(size²)
    if (chars < Math.max(BATCH_CHARS, carry.length)) continue;
    const text = carry + parts.join('');
    parts = [];
    chars = 0;
    const result = parser.parse(text, 0, true) as PapaChunkResult;
    carry = text.slice(result.meta.cursor);
    // every record parsed here ends with a line break; any further line breaks are inside quoted fields
    const quotedLineBreaks = countOccurrences(text, lineBreak(dialect), result.meta.cursor) !== result.data.length;
    yield toBatch(result, position, dialect, quotedLineBreaks);
  }
  yield toBatch(parser.parse(carry + parts.join(''), 0, false) as PapaChunkResult, position, dialect, true);
}

/**
 * Drops blank lines and numbers records by the line they start on. Line breaks inside quoted fields are counted
 * field by field, only when the batch has any (`quotedLineBreaks`).
 */
function toBatch(
  result: PapaChunkResult,
  position: { line: number },
  dialect: CsvDialect,
  quotedLineBreaks: boolean,
): RecordBatch<string[]> {
  const records: string[][] = [];
  const lines: number[] = [];
  // errors about the unfinished last record (not in data) come again when it is complete
  const errors = result.errors.filter((error) => error.row !== undefined && error.row < result.data.length);
  const problems = new Map<number, string>();
  for (let index = 0; index < result.data.length; index++) {
    const fields = result.data[index]!;
    const line = position.line;
    position.line += quotedLineBreaks ? 1 + countLineBreaks(fields, lineBreak(dialect)) : 1;
    if (fields.length === 1 && fields[0] === '') continue;
    const error = errors.length > 0 ? errors.find((candidate) => candidate.row === index) : undefined;
    if (error) problems.set(records.length, badQuoting(error, line, fields, lineBreak(dialect)));
    records.push(fields);
    lines.push(line);
  }
  const rawText = (index: number): string => csvRecordText(records[index]!, dialect);
  const chars = (index: number): number => records[index]!.reduce((sum, field) => sum + field.length, 0);
  return problems.size > 0 ? { records, lines, problems, rawText, chars } : { records, lines, rawText, chars };
}

/**
 * A quote that is opened but not closed where it should be makes papaparse read on to the next quote, across line
 * breaks: the reason says which lines went into the one rejected record, so nobody mistakes them for a single row.
 */
function badQuoting(error: Papa.ParseError, line: number, fields: readonly string[], character: string): string {
  const reason =
    `bad quoting (${error.message}): a quoted field must be closed by a quote right before the delimiter or the ` +
    'line break, and quotes inside it must be doubled ("")';
  // a quote never closed runs to the end of the file, whose final line break starts no further line
  const trailing = error.code === 'MissingQuotes' && fields.at(-1)?.endsWith(character) ? 1 : 0;
  const last = line + countLineBreaks(fields, character) - trailing;
  return last > line ? `${reason}; lines ${line}–${last} were read as this one record` : reason;
}

/** The character counted as a line: LF for LF and CRLF files, CR for CR-only files. */
function lineBreak(dialect: CsvDialect): string {
  return dialect.newline === '\r' ? '\r' : '\n';
}

function countLineBreaks(fields: readonly string[], character: string): number {
  let count = 0;
  for (const field of fields) count += countOccurrences(field, character, field.length);
  return count;
}

function countOccurrences(text: string, character: string, end: number): number {
  let count = 0;
  for (let at = text.indexOf(character); at !== -1 && at < end; at = text.indexOf(character, at + 1)) count++;
  return count;
}

function withoutFirst(batch: RecordBatch<string[]>): RecordBatch<string[]> {
  const problems = new Map<number, string>();
  for (const [index, reason] of batch.problems ?? []) if (index > 0) problems.set(index - 1, reason);
  return {
    records: batch.records.slice(1),
    lines: batch.lines.slice(1),
    problems,
    rawText: (index) => batch.rawText(index + 1),
    chars: (index) => batch.chars(index + 1),
  };
}

async function* requireData(
  first: RecordBatch<string[]>,
  rest: AsyncIterator<RecordBatch<string[]>>,
  headerLine: number,
): AsyncGenerator<RecordBatch<string[]>> {
  let records = first.records.length;
  yield first;
  for await (const batch of remaining(rest)) {
    records += batch.records.length;
    yield batch;
  }
  if (records === 0) {
    throw new DataError('EMPTY_FILE', `The file has a header row (line ${headerLine}) but no data rows. Upload a file with data.`);
  }
}

/** A record as text for the rejected output: the fields joined with the file's delimiter, quoted as needed. */
function csvRecordText(fields: readonly string[], dialect: CsvDialect): string {
  return Papa.unparse([fields], { delimiter: dialect.delimiter, newline: dialect.newline });
}
