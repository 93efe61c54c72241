import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { formatIssues, issueMessages } from './formatIssues';

export type JsonFileResult<T> = { readonly ok: true; readonly data: T } | { readonly ok: false; readonly problems: string[] };

/** Reads `file` as JSON and validates it with `schema`; problems are lines `<file>: <field>: <what is wrong>`. */
export function validatedJsonFile<S extends z.ZodType>(file: string, schema: S): JsonFileResult<z.infer<S>> {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    return { ok: false, problems: [`${file}: not valid JSON (${(error as Error).message})`] };
  }
  const result = schema.safeParse(data, { error: issueMessages });
  return result.success ? { ok: true, data: result.data } : { ok: false, problems: formatIssues(file, schema, result.error.issues) };
}
