/**
 * The ETL function's ephemeral storage (/tmp): what EtlFunction gives it, and the limits the environment schema checks
 * a definition against. Kept apart from the construct so that reading the environments loads no cdktf.
 */

/** Copies of a job's text that can be in /tmp at once: the source, its JSON Lines rewrite, the Parquet file. */
export const STAGED_COPIES = 3;
/**
 * Room for DuckDB's spill files: what its buffer pool cannot hold (a streaming COPY spills little; the reject tables may).
 * The function gets it as DUCKDB_SPILL_MB and caps DuckDB's spill there, so the jobs' own files always fit.
 */
export const DUCKDB_SPILL_MIB = 1024;
/** The most ephemeral storage Lambda gives a function, MiB (the least, 512, is below DUCKDB_SPILL_MIB alone). */
export const MAX_EPHEMERAL_STORAGE_MIB = 10_240;

const MIB = 1024 ** 2;

/** The /tmp a function needs for these limits (formula at EtlFunctionProps.maxObjectBytes); may exceed what Lambda allows. */
export function ephemeralStorageMib(maxObjectBytes: number, parallelRecords: number): number {
  return Math.ceil((parallelRecords * STAGED_COPIES * maxObjectBytes) / MIB) + DUCKDB_SPILL_MIB;
}
