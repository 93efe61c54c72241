import { DuckDBConnection, DuckDBInstance, type DuckDBResultReader } from '@duckdb/node-api';

export interface EngineSettings {
  /** DuckDB worker threads: the function's vCPUs. */
  readonly threads: number;
  /** DuckDB's memory_limit in MiB; undefined keeps DuckDB's default (80% of the machine's memory). */
  readonly memoryLimitMb: number | undefined;
  /** Where DuckDB spills what does not fit in memory_limit. */
  readonly tempDirectory: string;
  /**
   * The most it may spill there (max_temp_directory_size), in MiB: the room the function's ephemeral storage keeps for
   * it beside the jobs' own files; a query that needs more fails instead of filling /tmp. undefined keeps DuckDB's default.
   */
  readonly spillLimitMb: number | undefined;
}

/**
 * Nothing may be fetched at run time (the function runs in private subnets with only S3 and DynamoDB endpoints): the
 * extensions the ETL uses (json, parquet, icu, core_functions) are linked into the binding, and loading or installing
 * any other one is switched off, so a query that would need one fails at once instead of trying the network.
 */
const OFFLINE = {
  autoinstall_known_extensions: 'false',
  autoload_known_extensions: 'false',
  allow_community_extensions: 'false',
} as const;

/** One instance per settings (in practice one per process): it holds DuckDB's buffer pool and thread pool. */
const instances = new Map<string, Promise<DuckDBInstance>>();

/** A connection of its own per job (jobs of a batch run in parallel): reject tables are temporary, per connection. */
export async function connect(settings: EngineSettings): Promise<DuckDBConnection> {
  const options: Record<string, string> = {
    ...OFFLINE,
    threads: String(settings.threads),
    temp_directory: settings.tempDirectory,
    ...(settings.memoryLimitMb === undefined ? {} : { memory_limit: `${settings.memoryLimitMb}MiB` }),
    ...(settings.spillLimitMb === undefined ? {} : { max_temp_directory_size: `${settings.spillLimitMb}MiB` }),
  };
  const key = JSON.stringify(options);
  let instance = instances.get(key);
  if (!instance) {
    instance = DuckDBInstance.create(':memory:', options);
    instances.set(key, instance);
    // a failed start is not cached: the next job tries again
    instance.catch(() => instances.delete(key));
  }
  const connection = await (await instance).connect();
  // a date-time without an offset is UTC, whatever the machine's zone
  await connection.run("SET TimeZone = 'UTC'");
  return connection;
}

/** How often a running statement asks the checkpoint whether it may go on. */
const CHECKPOINT_INTERVAL_MS = 500;

/**
 * Runs a statement; while it runs, `checkpoint` is called every CHECKPOINT_INTERVAL_MS and the statement is
 * interrupted when it throws (OutOfTimeError), which is then what this throws.
 */
export async function runChecked(connection: DuckDBConnection, sql: string, checkpoint?: () => void): Promise<DuckDBResultReader> {
  if (!checkpoint) return connection.runAndReadAll(sql);
  let stopped: { error: unknown } | undefined;
  const timer = setInterval(() => {
    try {
      checkpoint();
    } catch (error) {
      stopped = { error };
      clearInterval(timer);
      connection.interrupt();
    }
  }, CHECKPOINT_INTERVAL_MS);
  try {
    return await connection.runAndReadAll(sql);
  } catch (error) {
    throw stopped ? stopped.error : error;
  } finally {
    clearInterval(timer);
  }
}

/** A SQL string literal (file paths, metadata values): single quotes doubled. */
export function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** A SQL identifier (column names), double quotes doubled. */
export function sqlIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A DuckDB error's message (not `instanceof Error` everywhere: the binding creates errors in its own context). */
export function duckDbMessage(error: unknown): string {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : '';
}
