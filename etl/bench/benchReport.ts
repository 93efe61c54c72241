/** What every `npm run bench:*` shares: medians, the result table, and cleanup when interrupted. */

export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

export interface Row {
  readonly measure: string;
  readonly value: string;
  readonly target?: string;
  readonly pass?: boolean;
}

/** `measure  value  target  PASS|MISS`, aligned, after a header line. */
export function printTable(rows: readonly Row[]): void {
  const header: Row = { measure: 'measure', value: 'value', target: 'target' };
  const width = (pick: (row: Row) => string): number => Math.max(...[header, ...rows].map((row) => pick(row).length));
  const measureWidth = width((row) => row.measure);
  const valueWidth = width((row) => row.value);
  const targetWidth = width((row) => row.target ?? '');
  const line = (row: Row, result: string): string =>
    `${row.measure.padEnd(measureWidth)}  ${row.value.padStart(valueWidth)}  ${(row.target ?? '').padEnd(targetWidth)}  ${result}`.trimEnd();
  console.log(line(header, 'result'));
  console.log('-'.repeat(measureWidth + valueWidth + targetWidth + 12));
  for (const row of rows) console.log(line(row, row.pass === undefined ? '' : row.pass ? 'PASS' : 'MISS'));
}

/** Runs `cleanup` and exits (130 / 143) on Ctrl-C or SIGTERM, so an interrupted bench leaves no work dirs behind. */
export function cleanUpOnInterrupt(cleanup: () => void): void {
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.once(signal, () => {
      cleanup();
      process.exit(code);
    });
  }
}
