/** Settings the infra stack passes to the Lambda as environment variables. */
export interface EtlConfig {
  readonly jobTableName: string;
  readonly rawBucketName: string;
  readonly etlVersion: string;
}

/** Empty values count as missing: an unset Terraform variable renders as "". */
export function readConfig(env: NodeJS.ProcessEnv): EtlConfig {
  const { JOB_TABLE_NAME, RAW_BUCKET_NAME, ETL_VERSION } = env;
  if (JOB_TABLE_NAME && RAW_BUCKET_NAME && ETL_VERSION) {
    return { jobTableName: JOB_TABLE_NAME, rawBucketName: RAW_BUCKET_NAME, etlVersion: ETL_VERSION };
  }
  const missing = Object.entries({ JOB_TABLE_NAME, RAW_BUCKET_NAME, ETL_VERSION })
    .filter(([, value]) => !value)
    .map(([name]) => name);
  throw new Error(`etl: missing required environment variable(s): ${missing.join(', ')}`);
}
