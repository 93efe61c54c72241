import type { BatchReport } from '../src/eventSourceMapping';
import { EMULATOR_CREDENTIALS } from '../src/regionClients';

/** The fields of a record worth a glance on the console: the job, its file, why it failed. */
const SHOWN_FIELDS = ['job_id', 'key', 'error_code'] as const;

/**
 * One line of the function's output, compacted for the console: `[region] LEVEL message job_id=… key=… error_code=…`
 * (the fields a record has) for the ETL's JSON log records; undefined for EMF metric blobs (one per invocation,
 * unreadable inline) and empty lines; anything else (a crash's stack trace, a stray console.log) as it came.
 */
export function formatFunctionLog(region: string, line: string): string | undefined {
  if (line.trim() === '') return undefined;
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch {
    return `[${region}] ${line}`;
  }
  if (typeof record !== 'object' || record === null) return `[${region}] ${line}`;
  const fields = record as Record<string, unknown>;
  const { _aws: metrics, level, message } = fields;
  if (metrics !== undefined) return undefined;
  if (typeof level !== 'string' || typeof message !== 'string') return `[${region}] ${line}`;
  const shown = SHOWN_FIELDS.flatMap((name) => (typeof fields[name] === 'string' ? [` ${name}=${fields[name]}`] : []));
  return `[${region}] ${level.padEnd(5)} ${message}${shown.join('')}`;
}

/** A batch the function did not answer (it threw, crashed or timed out) logs nothing itself: say so. */
export function formatBatch(region: string, batch: BatchReport): string | undefined {
  if (batch.outcome === 'returned') return undefined;
  const what = batch.outcome === 'timedOut' ? 'timed out' : 'threw';
  return `[${region}] ERROR the invocation ${what}: ${batch.returned.length} message(s) go back to the queue`;
}

export interface NextStepsInput {
  readonly environment: string;
  readonly emulator: string;
  readonly endpoint: string;
  /** False for an emulator found at AWS_ENDPOINT_URL: teardown leaves it running. */
  readonly ownsEmulator: boolean;
  readonly regions: readonly { readonly region: string; readonly bucketName: string; readonly stackDir: string }[];
}

/** What to do once the platform is up: upload a file, see its job, find its output, tear down. */
export function nextSteps({ environment, emulator, endpoint, ownsEmulator, regions }: NextStepsInput): string {
  const aws = (region: string) => `aws --endpoint-url ${endpoint} --region ${region}`;
  const { accessKeyId, secretAccessKey } = EMULATOR_CREDENTIALS;
  const perRegion = regions.flatMap(({ region, bucketName, stackDir }) => [
    `${region}:`,
    `  upload a file    ${aws(region)} s3 cp ./orders.csv s3://${bucketName}/input/sales/orders.csv`,
    `  list its jobs    npm run jobs -- list --env ${environment} --region ${region} --since 1h`,
    `  one job          npm run jobs -- show <job-id> --env ${environment} --region ${region}`,
    `  the outputs      ${aws(region)} s3 ls s3://${bucketName}/processed/ --recursive   (rejected rows: rejected/)`,
    `  stack outputs    terraform -chdir=${stackDir} output`,
  ]);
  return [
    `The ${environment} platform is up on ${emulator} at ${endpoint}: ${regions.map((r) => r.region).join(', ')}.`,
    '',
    'In another terminal (the emulator takes any credentials; these keep your real ones out of it):',
    `  export AWS_ENDPOINT_URL=${endpoint} AWS_ACCESS_KEY_ID=${accessKeyId} AWS_SECRET_ACCESS_KEY=${secretAccessKey}`,
    `  printf 'order_id,item,amount,ordered_at\\n1,apple,2.50,2026-01-02\\n2,pear,1.25,2026-01-03\\n' > orders.csv`,
    '',
    ...perRegion,
    '',
    'Function logs follow, prefixed with their region.',
    `Ctrl-C to tear down: empties the buckets, terraform destroy, ${ownsEmulator ? `stops ${emulator}` : `leaves ${emulator} running`}.`,
  ].join('\n');
}
