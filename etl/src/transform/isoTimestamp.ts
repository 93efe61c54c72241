const ZERO = 48;
const HYPHEN = 45;
const COLON = 58;
const DOT = 46;
const COMMA = 44;
const PLUS = 43;
const SPACE = 32;
const UPPER_T = 84;
const LOWER_T = 116;
const UPPER_Z = 90;
const LOWER_Z = 122;

const MS_PER_DAY = 86_400_000;

/**
 * Milliseconds since the epoch (UTC) of an ISO-8601 extended-format date or date-time, or NaN when the text is not
 * one: `YYYY-MM-DD`, or that followed by `T`/space and `hh:mm`, optional `:ss`, optional `.fff…` (or `,fff…`,
 * truncated to milliseconds), optional `Z` or `±hh:mm` / `±hhmm` / `±hh`. No offset means UTC. Calendar-checked
 * (no 2023-02-29, no 24:00, no leap second). Hand-written rather than a regex: it runs once per timestamp value.
 */
export function parseIsoTimestamp(text: string): number {
  const length = text.length;
  if (length < 10 || text.charCodeAt(4) !== HYPHEN || text.charCodeAt(7) !== HYPHEN) return NaN;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return NaN;
  if (length === 10) return utc(year, month, day, 0, 0, 0, 0);

  const separator = text.charCodeAt(10);
  if ((separator !== UPPER_T && separator !== LOWER_T && separator !== SPACE) || length < 16) return NaN;
  if (text.charCodeAt(13) !== COLON) return NaN;
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59) return NaN;

  let at = 16;
  let second = 0;
  let millis = 0;
  if (at < length && text.charCodeAt(at) === COLON) {
    second = digits(text, at + 1, 2);
    if (second < 0 || second > 59) return NaN;
    at += 3;
    const mark = text.charCodeAt(at);
    if (at < length && (mark === DOT || mark === COMMA)) {
      const start = ++at;
      for (; at < length && isDigit(text.charCodeAt(at)); at++) {
        if (at - start < 3) millis = millis * 10 + text.charCodeAt(at) - ZERO;
      }
      const fractionDigits = at - start;
      if (fractionDigits === 0) return NaN;
      if (fractionDigits < 3) millis *= fractionDigits === 1 ? 100 : 10;
    }
  }

  let offsetMinutes = 0;
  if (at < length) {
    const zone = text.charCodeAt(at);
    if (zone === UPPER_Z || zone === LOWER_Z) {
      at++;
    } else if (zone === PLUS || zone === HYPHEN) {
      const offsetHours = digits(text, at + 1, 2);
      at += 3;
      let offsetMinute = 0;
      if (at < length) {
        if (text.charCodeAt(at) === COLON) at++;
        offsetMinute = digits(text, at, 2);
        at += 2;
      }
      if (offsetHours < 0 || offsetHours > 23 || offsetMinute < 0 || offsetMinute > 59) return NaN;
      offsetMinutes = (zone === PLUS ? 1 : -1) * (offsetHours * 60 + offsetMinute);
    } else {
      return NaN;
    }
  }
  if (at !== length) return NaN;
  return utc(year, month, day, hour, minute, second, millis) - offsetMinutes * 60_000;
}

function isDigit(code: number): boolean {
  return code >= ZERO && code <= ZERO + 9;
}

/** The decimal value of `count` digits at `start`, or -1 if any of them is not a digit (or missing). */
function digits(text: string, start: number, count: number): number {
  if (start + count > text.length) return -1;
  let value = 0;
  for (let i = start; i < start + count; i++) {
    const code = text.charCodeAt(i);
    if (!isDigit(code)) return -1;
    value = value * 10 + code - ZERO;
  }
  return value;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Plain arithmetic instead of Date.UTC, which is several times slower and maps years 0..99 to 1900..1999. */
function utc(year: number, month: number, day: number, hour: number, minute: number, second: number, millis: number): number {
  return daysSinceEpoch(year, month, day) * MS_PER_DAY + ((hour * 60 + minute) * 60 + second) * 1000 + millis;
}

/** Days from 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's days_from_civil; years start in March). */
function daysSinceEpoch(year: number, month: number, day: number): number {
  const marchYear = month <= 2 ? year - 1 : year;
  const era = Math.floor(marchYear / 400);
  const yearOfEra = marchYear - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}
