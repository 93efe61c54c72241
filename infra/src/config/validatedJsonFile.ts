import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { formatIssues, issueMessages } from './formatIssues';
import { jsonSyntaxError } from './jsonSyntaxError';

export type JsonFileResult<T> = { readonly ok: true; readonly data: T } | { readonly ok: false; readonly problems: string[] };

/**
 * Reads `file` as JSON and validates it with `schema`; problems are lines `<file>: <field>: <what is wrong>`, or
 * `<file>:<line>:<column>: not valid JSON (…)` so an editor or terminal can jump to the place.
 */
export function validatedJsonFile<S extends z.ZodType>(file: string, schema: S): JsonFileResult<z.infer<S>> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    return { ok: false, problems: [`${file}: ${code === 'ENOENT' ? 'not found' : `cannot be read (${code ?? message})`}`] };
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const { line, column, reason } = jsonSyntaxError(text, error as Error);
    return { ok: false, problems: [`${file}:${line}:${column}: not valid JSON (${reason})`] };
  }
  const result = schema.safeParse(data, { error: issueMessages });
  return result.success ? { ok: true, data: result.data } : { ok: false, problems: formatIssues(file, schema, result.error.issues) };
}
