import { availableParallelism, tmpdir } from 'node:os';
import * as z from 'zod';

/** Settings from the Lambda's environment variables (infra sets the required ones; the rest have defaults). */
export interface EtlConfig {
  readonly jobTableName: string;
  readonly rawBucketName: string;
  readonly etlVersion: string;
  /** Objects larger than this fail with OBJECT_TOO_LARGE without being read. */
  readonly maxObjectBytes: number;
  /** Share of rejected rows (0..1) above which a file fails with TOO_MANY_REJECTED_ROWS. */
  readonly maxRejectedShare: number;
  /** Minimum lease of a claimed job; a RUNNING job whose lease expired is taken over by the next delivery. */
  readonly leaseSeconds: number;
  /** A run stops (and its message is retried) when less than this much invocation time remains. */
  readonly timeSafetyMarginMs: number;
  /** Records of one batch processed at the same time. */
  readonly maxParallelRecords: number;
  /** Local directory for each job's source text, Parquet file and DuckDB spill files (Lambda: /tmp, ephemeral storage). */
  readonly scratchDir: string;
  /** DuckDB's memory_limit: a share of the function's memory; undefined outside Lambda (DuckDB's default). */
  readonly duckDbMemoryMb: number | undefined;
  /** DuckDB's threads: the function's vCPUs. */
  readonly duckDbThreads: number;
  /** DuckDB's max_temp_directory_size: the room the function's ephemeral storage keeps for its spill files. */
  readonly duckDbSpillMb: number;
}

/**
 * The rest of the function's memory is Node's: the SDK clients, the upload parts in flight (5 MiB each, up to 4 per
 * upload and 2 uploads per job) and the V8 heap.
 */
const DUCKDB_MEMORY_SHARE = 0.6;
/**
 * Lambda gives a function one vCPU per 1,769 MB of memory (up to 6), while the machine it runs on may show more CPUs
 * than that share: more DuckDB threads than vCPUs would only contend.
 */
const MB_PER_VCPU = 1769;

const GIB = 1024 ** 3;

// An unset Terraform variable renders as "": empty counts as unset, so defaults and "required" apply.
const unsetIfEmpty = (value: unknown): unknown => (value === '' ? undefined : value);

const required = z.preprocess(unsetIfEmpty, z.string({ error: 'is required' }));

function numberVar(options: { min: number; max?: number; integer: boolean; fallback: number }) {
  const range = options.max === undefined ? `≥ ${options.min}` : `from ${options.min} to ${options.max}`;
  const expected = `must be ${options.integer ? 'an integer' : 'a number'} ${range}`;
  const base = z.coerce.number({ error: expected }).min(options.min, { error: expected });
  const bounded = options.max === undefined ? base : base.max(options.max, { error: expected });
  const checked = options.integer ? bounded.int({ error: expected }) : bounded;
  return z.preprocess(unsetIfEmpty, checked.default(options.fallback));
}

const envSchema = z.object({
  JOB_TABLE_NAME: required,
  RAW_BUCKET_NAME: required,
  ETL_VERSION: required,
  MAX_OBJECT_BYTES: numberVar({ min: 1, integer: true, fallback: 5 * GIB }),
  MAX_REJECTED_SHARE: numberVar({ min: 0, max: 1, integer: false, fallback: 0.05 }),
  LEASE_SECONDS: numberVar({ min: 1, integer: true, fallback: 900 }),
  TIME_SAFETY_MARGIN_MS: numberVar({ min: 0, integer: true, fallback: 20_000 }),
  MAX_PARALLEL_RECORDS: numberVar({ min: 1, integer: true, fallback: 4 }),
  SCRATCH_DIR: z.preprocess(unsetIfEmpty, z.string().default(tmpdir())),
  DUCKDB_SPILL_MB: numberVar({ min: 1, integer: true, fallback: 1024 }),
  // set by Lambda itself
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: z.preprocess(unsetIfEmpty, z.coerce.number({ error: 'must be a number of MB' }).int().min(128).optional()),
});

/** Validates the environment; the error names every bad variable, what it must be and the value it had. */
export function readConfig(env: NodeJS.ProcessEnv): EtlConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0]);
      const value = env[name];
      return `${name} ${issue.message}${value ? ` (got "${value}")` : ''}`;
    });
    throw new Error(`etl: invalid environment: ${problems.join('; ')}`);
  }
  const vars = parsed.data;
  const memoryMb = vars.AWS_LAMBDA_FUNCTION_MEMORY_SIZE;
  return {
    jobTableName: vars.JOB_TABLE_NAME,
    rawBucketName: vars.RAW_BUCKET_NAME,
    etlVersion: vars.ETL_VERSION,
    maxObjectBytes: vars.MAX_OBJECT_BYTES,
    maxRejectedShare: vars.MAX_REJECTED_SHARE,
    leaseSeconds: vars.LEASE_SECONDS,
    timeSafetyMarginMs: vars.TIME_SAFETY_MARGIN_MS,
    maxParallelRecords: vars.MAX_PARALLEL_RECORDS,
    scratchDir: vars.SCRATCH_DIR,
    duckDbMemoryMb: memoryMb === undefined ? undefined : Math.floor(memoryMb * DUCKDB_MEMORY_SHARE),
    duckDbThreads: Math.min(availableParallelism(), memoryMb === undefined ? Number.POSITIVE_INFINITY : Math.ceil(memoryMb / MB_PER_VCPU)),
    duckDbSpillMb: vars.DUCKDB_SPILL_MB,
  };
}
