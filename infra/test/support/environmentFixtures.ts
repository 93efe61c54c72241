import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export type Definition = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The shipped `dev` definition, as a fresh object to mutate. */
export function devDefinition(): Definition {
  return JSON.parse(readFileSync(path.join(__dirname, '../../../environments/dev/environment.json'), 'utf8')) as Definition;
}

/** Writes `{ name: definition }` as environment folders in a new temp dir; strings are written verbatim. */
export function writeEnvironments(definitions: Record<string, Definition | string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'environments-'));
  for (const [name, definition] of Object.entries(definitions)) {
    mkdirSync(path.join(dir, name));
    writeFileSync(path.join(dir, name, 'environment.json'), typeof definition === 'string' ? definition : JSON.stringify(definition, null, 2));
  }
  return dir;
}
