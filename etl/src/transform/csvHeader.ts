import { open } from 'node:fs/promises';
import { DataError } from '../errors';
import { lineBreaks } from './sourceLines';

/** The header must end within this many bytes of the start of the file. */
const HEADER_MAX_BYTES = 1024 * 1024;
const QUOTE = '"';

export interface CsvHeader {
  readonly names: readonly string[];
  /** 1-based line the header is on (blank lines before it are skipped, as DuckDB skips them). */
  readonly line: number;
}

/**
 * The header record's fields exactly as written (DuckDB renames a blank or repeated name, e.g. "column1" or "id_1",
 * which would hide the mistake): RFC 4180 quoting, the first non-blank line, a leading BOM dropped.
 */
export async function readHeader(path: string, delimiter: string): Promise<CsvHeader> {
  const { text, whole } = await readStart(path);
  const blank = /^[\r\n]*/.exec(text)![0];
  const names: string[] = [];
  let at = blank.length;
  for (;;) {
    let field = '';
    if (text[at] === QUOTE) {
      for (at++; at < text.length; at++) {
        if (text[at] !== QUOTE) field += text[at];
        else if (text[at + 1] === QUOTE) field += text[++at]!;
        else break;
      }
      at++;
    }
    const end = nextBreak(text, at, delimiter);
    field += text.slice(at, end);
    names.push(field);
    at = end;
    if (text[at] !== delimiter) break;
    at++;
  }
  if (at >= text.length && !whole) {
    throw new DataError('BAD_HEADER', `The header row does not end within the first ${HEADER_MAX_BYTES} bytes. Give the file a header row of column names.`);
  }
  return { names, line: 1 + lineBreaks(blank) };
}

/** The first HEADER_MAX_BYTES of the file as text, without a BOM; `whole` when that is the whole file. */
async function readStart(path: string): Promise<{ text: string; whole: boolean }> {
  const file = await open(path);
  try {
    const buffer = Buffer.alloc(HEADER_MAX_BYTES);
    const { bytesRead } = await file.read(buffer, 0, HEADER_MAX_BYTES, 0);
    return { text: buffer.subarray(0, bytesRead).toString('utf8').replace(/^\ufeff/, ''), whole: bytesRead < HEADER_MAX_BYTES };
  } finally {
    await file.close();
  }
}

function nextBreak(text: string, from: number, delimiter: string): number {
  for (let at = from; at < text.length; at++) {
    const character = text[at];
    if (character === delimiter || character === '\n' || character === '\r') return at;
  }
  return text.length;
}

/** Header names as column names: each must be non-blank and unique, else the file is a DataError BAD_HEADER. */
export function checkHeader({ names, line }: CsvHeader): readonly string[] {
  const problems: string[] = [];
  const blank = names.flatMap((name, index) => (name.trim() === '' ? [index + 1] : []));
  if (blank.length > 0) problems.push(`column(s) ${blank.join(', ')} have no name`);
  const positions = new Map<string, number[]>();
  names.forEach((name, index) => {
    if (name.trim() !== '') positions.set(name, [...(positions.get(name) ?? []), index + 1]);
  });
  for (const [name, at] of positions) {
    if (at.length > 1) problems.push(`"${name}" names columns ${at.join(', ')}`);
  }
  if (problems.length > 0) {
    throw new DataError(
      'BAD_HEADER',
      `The header row (line ${line}) is not usable: ${problems.join('; ')}. Give every column a unique, non-empty name.`,
    );
  }
  return names;
}
