import { StringDecoder } from 'node:string_decoder';
import { DataError } from '../errors';

/** Text files have no NUL bytes; binary formats (xlsx, parquet, UTF-16 text) have them early on. */
const BINARY_SNIFF_BYTES = 8192;
const BYTE_ORDER_MARK = 0xfeff;

/** Decodes UTF-8 chunks to text (characters split across chunks are kept whole) and drops a leading BOM. */
export async function* decodeText(chunks: AsyncIterable<Buffer>): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let sniffed = 0;
  let atStart = true;
  for await (const chunk of chunks) {
    if (sniffed < BINARY_SNIFF_BYTES) {
      const nul = chunk.subarray(0, BINARY_SNIFF_BYTES - sniffed).indexOf(0);
      if (nul !== -1) {
        throw new DataError(
          'BINARY_CONTENT',
          `The content is binary, not text (NUL byte at offset ${sniffed + nul}). Expected UTF-8 CSV, TSV or ` +
            'JSON Lines; export spreadsheets as CSV and convert UTF-16 text to UTF-8.',
        );
      }
      sniffed += Math.min(chunk.length, BINARY_SNIFF_BYTES - sniffed);
    }
    let text = decoder.write(chunk);
    if (atStart && text.length > 0) {
      atStart = false;
      if (text.charCodeAt(0) === BYTE_ORDER_MARK) text = text.slice(1);
    }
    if (text.length > 0) yield text;
  }
  const rest = decoder.end();
  if (rest.length > 0) yield atStart && rest.charCodeAt(0) === BYTE_ORDER_MARK ? rest.slice(1) : rest;
}
