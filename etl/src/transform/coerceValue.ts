import { parseIsoTimestamp } from './isoTimestamp';
import type { Column, ColumnType } from './types';

/** What a column array holds: int64 → bigint, double → number, boolean, timestamp → epoch millis, string. */
export type ParquetValue = bigint | number | boolean | string;

/** Returned instead of a value that does not fit the column; a symbol so no value can collide with it. */
export const INVALID: unique symbol = Symbol('invalid value');
export type Coerced = ParquetValue | typeof INVALID;

const BOOLEAN = /^(?:true|false)$/i;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const ZERO = 48;
const PLUS = 43;
const MINUS = 45;
const DOT = 46;
const LOWER_E = 101;
const UPPER_E = 69;
/** Integers of up to 15 digits are exact doubles, so they need neither BigInt(string) nor a range check. */
const EXACT_DIGITS = 15;
/** Powers of ten that are exact doubles (10^22 is the largest). */
const EXACT_POWERS_OF_TEN = Array.from({ length: 23 }, (_, power) => 10 ** power);

/**
 * The number parsers scan by hand (no regex, no intermediate strings): they run once per value of every numeric
 * column and are a large share of the transform's own time.
 */
export function parseInt64Text(text: string): bigint | typeof INVALID {
  const negative = text.charCodeAt(0) === MINUS;
  const start = negative || text.charCodeAt(0) === PLUS ? 1 : 0;
  const end = scanInteger(text, start);
  if (end !== text.length || end === start) return INVALID;
  if (end - start > EXACT_DIGITS) {
    const value = BigInt(text);
    return value < INT64_MIN || value > INT64_MAX ? INVALID : value;
  }
  let value = 0;
  for (let at = start; at < end; at++) value = value * 10 + text.charCodeAt(at) - ZERO;
  return BigInt(negative ? -value : value);
}

/**
 * Decimal grammar: [sign] integer-without-leading-zeros [. digits] [e|E [sign] digits]. With at most 15 significant
 * digits and a power of ten up to 22, one IEEE division or multiplication of exact values is correctly rounded
 * (Clinger's fast path); anything else goes to Number().
 */
export function parseDoubleText(text: string): number | typeof INVALID {
  const length = text.length;
  const negative = text.charCodeAt(0) === MINUS;
  const start = negative || text.charCodeAt(0) === PLUS ? 1 : 0;
  let at = scanInteger(text, start);
  if (at === start) return INVALID;
  let mantissa = 0;
  for (let digit = start; digit < at; digit++) mantissa = mantissa * 10 + text.charCodeAt(digit) - ZERO;
  let digits = at - start;
  let exponent = 0;
  if (at < length && text.charCodeAt(at) === DOT) {
    const fraction = ++at;
    for (; at < length && isDigit(text.charCodeAt(at)); at++) mantissa = mantissa * 10 + text.charCodeAt(at) - ZERO;
    if (at === fraction) return INVALID;
    digits += at - fraction;
    exponent = fraction - at;
  }
  if (at < length && (text.charCodeAt(at) === LOWER_E || text.charCodeAt(at) === UPPER_E)) {
    const sign = text.charCodeAt(++at);
    const powerStart = sign === PLUS || sign === MINUS ? ++at : at;
    let power = 0;
    for (; at < length && isDigit(text.charCodeAt(at)); at++) power = power * 10 + text.charCodeAt(at) - ZERO;
    if (at === powerStart) return INVALID;
    exponent += sign === MINUS ? -power : power;
  }
  if (at !== length) return INVALID;
  if (digits <= EXACT_DIGITS && exponent >= -22 && exponent <= 22) {
    const magnitude = exponent < 0 ? mantissa / EXACT_POWERS_OF_TEN[-exponent]! : mantissa * EXACT_POWERS_OF_TEN[exponent]!;
    return negative ? -magnitude : magnitude;
  }
  const value = Number(text);
  return Number.isFinite(value) ? value : INVALID;
}

function isDigit(code: number): boolean {
  return code >= ZERO && code <= ZERO + 9;
}

/** End of the digits from `start` if they form an integer without leading zeros ("0" alone is fine), else `start`. */
function scanInteger(text: string, start: number): number {
  const first = text.charCodeAt(start);
  if (first === ZERO) return isDigit(text.charCodeAt(start + 1)) ? start : start + 1;
  if (!isDigit(first)) return start;
  let at = start + 1;
  while (at < text.length && isDigit(text.charCodeAt(at))) at++;
  return at;
}

export function parseBooleanText(text: string): boolean | typeof INVALID {
  return BOOLEAN.test(text) ? text.length === 4 : INVALID;
}

export function parseTimestampText(text: string): number | typeof INVALID {
  const millis = parseIsoTimestamp(text);
  return Number.isNaN(millis) ? INVALID : millis;
}

/** A delimited-text value (never empty: the caller maps "" to null) as its column's type. */
export function coerceText(type: ColumnType, text: string): Coerced {
  switch (type) {
    case 'string':
      return text;
    case 'int64':
      return parseInt64Text(text);
    case 'double':
      return parseDoubleText(text);
    case 'boolean':
      return parseBooleanText(text);
    case 'timestamp':
      return parseTimestampText(text);
  }
}

/**
 * A JSON value (never null or undefined) as its column's type. JSON types must match; the only conversion is to
 * string columns, which hold non-string values as their JSON text.
 */
export function coerceJson(type: ColumnType, value: unknown): Coerced {
  switch (type) {
    case 'string':
      return typeof value === 'string' ? value : JSON.stringify(value);
    case 'int64':
      return Number.isSafeInteger(value) ? BigInt(value as number) : INVALID;
    case 'double':
      return typeof value === 'number' ? value : INVALID;
    case 'boolean':
      return typeof value === 'boolean' ? value : INVALID;
    case 'timestamp':
      return typeof value === 'string' ? parseTimestampText(value) : INVALID;
  }
}

const TEXT_EXPECTED: Readonly<Record<ColumnType, string>> = {
  int64: 'an integer within the int64 range, without leading zeros or a decimal point (e.g. -42)',
  double: 'a decimal number (e.g. 3.14, -0.5 or 1e-3)',
  boolean: 'true or false',
  timestamp: 'an ISO-8601 date or date-time (e.g. 2024-05-01 or 2024-05-01T12:30:00Z)',
  string: 'text',
};

const JSON_EXPECTED: Readonly<Record<ColumnType, string>> = {
  int64: 'a JSON integer within ±(2^53-1)',
  double: 'a JSON number',
  boolean: 'JSON true or false',
  timestamp: 'a string holding an ISO-8601 date or date-time (e.g. "2024-05-01T12:30:00Z")',
  string: 'any JSON value',
};

const SNIPPET_CHARS = 60;

function snippet(text: string): string {
  return text.length > SNIPPET_CHARS ? `${text.slice(0, SNIPPET_CHARS)}…` : text;
}

/** Why a delimited-text value was rejected, naming the column and what it should look like. */
export function textMismatch(column: Column, text: string): string {
  return `column "${column.name}" (${column.type}): got ${JSON.stringify(snippet(text))}, expected ${TEXT_EXPECTED[column.type]}`;
}

/** Why a JSON value was rejected, naming the column, the JSON type found and what was expected. */
export function jsonMismatch(column: Column, value: unknown): string {
  const kind = Array.isArray(value) ? 'array' : typeof value === 'object' ? 'object' : typeof value;
  return `column "${column.name}" (${column.type}): got ${kind} ${snippet(JSON.stringify(value))}, expected ${JSON_EXPECTED[column.type]}`;
}
