import { DataError } from '../errors';
import type { SourceFormat } from './types';

/** What the object key says about the content; `delimiter` is undefined when it must be sniffed (.txt). */
export interface KeyFormat {
  readonly format: SourceFormat;
  readonly delimiter: ',' | '\t' | undefined;
  readonly gzipByName: boolean;
}

const BY_EXTENSION: Readonly<Record<string, Omit<KeyFormat, 'gzipByName'>>> = {
  '.csv': { format: 'csv', delimiter: ',' },
  '.tsv': { format: 'tsv', delimiter: '\t' },
  '.txt': { format: 'csv', delimiter: undefined },
  '.jsonl': { format: 'jsonl', delimiter: undefined },
  '.ndjson': { format: 'jsonl', delimiter: undefined },
};

export const SUPPORTED_EXTENSIONS = Object.keys(BY_EXTENSION);

/** Picks the format from the key's extension (case-insensitive), with an optional trailing `.gz`. */
export function detectFormat(key: string): KeyFormat {
  const name = key.slice(key.lastIndexOf('/') + 1).toLowerCase();
  const gzipByName = name.endsWith('.gz');
  const base = gzipByName ? name.slice(0, -'.gz'.length) : name;
  const dot = base.lastIndexOf('.');
  const extension = dot > 0 ? base.slice(dot) : '';
  const known = Object.hasOwn(BY_EXTENSION, extension) ? BY_EXTENSION[extension] : undefined;
  if (!known) {
    const found = extension ? `extension "${extension}${gzipByName ? '.gz' : ''}"` : 'no file extension';
    throw new DataError(
      'UNSUPPORTED_FORMAT',
      `Object "${key}" has ${found}; supported are ${SUPPORTED_EXTENSIONS.join(', ')}, each optionally gzip-compressed ` +
        `with a further .gz (e.g. data.csv.gz). Rename the file to match its content.`,
    );
  }
  return { ...known, gzipByName };
}
