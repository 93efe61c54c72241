import { UsageError } from './errors';

/** A closed range of `created_at` values, as the job table writes them: `Date.toISOString()` (UTC, milliseconds). */
export interface TimeWindow {
  readonly from: string;
  readonly to: string;
}

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
const DURATION = /^(?:\d+[smhdw])+$/;
const DURATION_PART = /(\d+)([smhdw])/g;
export const DURATION_EXAMPLE = 'such as 30m, 1h, 1h30m, 7d (units s, m, h, d, w)';

/** `1h30m` → 5_400_000. */
export function parseDuration(flag: string, text: string): number {
  if (!DURATION.test(text)) throw new UsageError(`${flag} "${text}": expected a duration ${DURATION_EXAMPLE}`);
  let ms = 0;
  for (const [, amount, unit] of text.matchAll(DURATION_PART)) ms += Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
  if (ms === 0) throw new UsageError(`${flag} "${text}": must be longer than zero, ${DURATION_EXAMPLE}`);
  return ms;
}

// A date (midnight UTC) or a date-time with an explicit zone: a zone-less time would be read in the machine's zone.
const INSTANT = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;
const ZONELESS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?$/;
export const INSTANT_EXAMPLE = 'an ISO-8601 time such as 2026-10-05T14:00:00Z, 2026-10-05T16:00+02:00 or 2026-10-05 (midnight UTC)';

/** ISO-8601 → the table's spelling (`toISOString()`), so that string comparison in the key condition is time order. */
export function parseInstant(flag: string, text: string): string {
  if (ZONELESS.test(text)) throw new UsageError(`${flag} "${text}": give the time zone, e.g. ${text}Z for UTC or ${text}+02:00`);
  const ms = INSTANT.test(text) && isCalendarDate(text.slice(0, 10)) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(ms)) throw new UsageError(`${flag} "${text}": expected ${INSTANT_EXAMPLE}`);
  return new Date(ms).toISOString();
}

/** Date.parse rolls 2026-02-31 over to March 3rd; a typo should be an error instead. */
function isCalendarDate(yyyyMmDd: string): boolean {
  const [year = 0, month = 0, day = 0] = yyyyMmDd.split('-').map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

export interface WindowFlags {
  readonly since?: string | undefined;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
}

export const DEFAULT_SINCE = '24h';

/** `--since` counts back from now; `--from` (and optionally `--to`, default now) gives the range; neither → the last 24h. */
export function resolveWindow(flags: WindowFlags, now: Date): TimeWindow {
  if (flags.since !== undefined && (flags.from !== undefined || flags.to !== undefined)) {
    throw new UsageError('--since cannot be combined with --from/--to: --since counts back from now, --from/--to give a fixed range');
  }
  if (flags.to !== undefined && flags.from === undefined) throw new UsageError('--to needs --from (or use --since for a range ending now)');
  if (flags.from !== undefined) {
    const from = parseInstant('--from', flags.from);
    const to = flags.to === undefined ? now.toISOString() : parseInstant('--to', flags.to);
    if (from > to) throw new UsageError(`--from ${from} is after --to ${to}`);
    return { from, to };
  }
  const sinceMs = parseDuration('--since', flags.since ?? DEFAULT_SINCE);
  return { from: new Date(now.getTime() - sinceMs).toISOString(), to: now.toISOString() };
}
