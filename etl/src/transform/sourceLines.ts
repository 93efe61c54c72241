import { createReadStream } from 'node:fs';

const LF = 0x0a;
const READ_BYTES = 1024 * 1024;

/**
 * 1-based line numbers of byte offsets (ascending) in a text file: one read up to the last offset, counting line
 * feeds with memchr (Buffer#indexOf). DuckDB numbers the records of a CSV file; people look for the line in an editor.
 */
export async function linesAtOffsets(path: string, offsets: readonly number[]): Promise<number[]> {
  const lines: number[] = [];
  if (offsets.length === 0) return lines;
  let position = 0;
  let feeds = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: READ_BYTES }) as AsyncIterable<Buffer>) {
    const end = position + chunk.length;
    let from = 0;
    while (lines.length < offsets.length && offsets[lines.length]! <= end) {
      const upTo = offsets[lines.length]! - position;
      feeds += countFeeds(chunk, from, upTo);
      from = upTo;
      lines.push(feeds + 1);
    }
    if (lines.length === offsets.length) break;
    feeds += countFeeds(chunk, from, chunk.length);
    position = end;
  }
  while (lines.length < offsets.length) lines.push(feeds + 1);
  return lines;
}

function countFeeds(chunk: Buffer, from: number, to: number): number {
  let count = 0;
  for (let at = chunk.indexOf(LF, from); at !== -1 && at < to; at = chunk.indexOf(LF, at + 1)) count++;
  return count;
}

/** Line feeds in a text (CRLF and LF files); a CR-only text counts its CRs. */
export function lineBreaks(text: string): number {
  let count = 0;
  const character = text.includes('\n') ? '\n' : '\r';
  for (let at = text.indexOf(character); at !== -1; at = text.indexOf(character, at + 1)) count++;
  return count;
}
