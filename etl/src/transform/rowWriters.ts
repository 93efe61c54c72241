import { INVALID, coerceJson, coerceText, jsonMismatch, textMismatch } from './coerceValue';
import { SAMPLE_ROWS, isJsonObject } from './inferSchema';
import type { RowWriter } from './records';
import type { Column } from './types';

/** Delimited text: one field per column; "" is null, anything else must parse as the column's type. */
export function textRowWriter(columns: readonly Column[]): RowWriter<string[]> {
  const width = columns.length;
  const types = columns.map((column) => column.type);
  return (fields, { values, row }) => {
    if (fields.length !== width) {
      return `the row has ${fields.length} field(s) but the header has ${width} column(s)`;
    }
    for (let index = 0; index < width; index++) {
      const text = fields[index]!;
      const value = text === '' ? null : coerceText(types[index]!, text);
      if (value === INVALID) return textMismatch(columns[index]!, text);
      values[index]![row] = value;
    }
    return undefined;
  };
}

/** JSON Lines: an object whose keys are all columns; a missing key or null is null. */
export function jsonRowWriter(columns: readonly Column[]): RowWriter<unknown> {
  const width = columns.length;
  const names = columns.map((column) => column.name);
  const types = columns.map((column) => column.type);
  const known = new Set(names);
  return (record, { values, row }) => {
    if (!isJsonObject(record)) return `the line is ${describeJson(record)}, not a JSON object`;
    let present = 0;
    for (let index = 0; index < width; index++) {
      // own keys only: "constructor" or "toString" must not find Object.prototype's
      const value = Object.hasOwn(record, names[index]!) ? record[names[index]!] : undefined;
      if (value !== undefined) present++;
      const coerced = value === undefined || value === null ? null : coerceJson(types[index]!, value);
      if (coerced === INVALID) return jsonMismatch(columns[index]!, value);
      values[index]![row] = coerced;
    }
    if (present !== Object.keys(record).length) {
      const extra = Object.keys(record).find((key) => !known.has(key));
      return `key "${extra}" is not a column: the ${width} columns are the keys of the first ${SAMPLE_ROWS} lines`;
    }
    return undefined;
  };
}

function describeJson(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}
