/** A stack's `terraform output -json` values as a job-summary table (what operators look up after a deploy). */
export function stackOutputsSummary(stack: string, outputs: Readonly<Record<string, unknown>>): string {
  const cell = (value: unknown) => `\`${(typeof value === 'string' ? value : JSON.stringify(value)).replaceAll('|', '\\|')}\``;
  const rows = Object.entries(outputs)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => `| ${name} | ${cell(value)} |`);
  return [`### ${stack} outputs`, '', '| output | value |', '| --- | --- |', ...rows, ''].join('\n');
}
