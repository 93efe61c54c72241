import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The queue mapping as synthesized: what the harness must do when it plays the mapping on moto. */
export interface MappingSettings {
  readonly batchSize: number;
  readonly enabled: boolean;
  /** `ReportBatchItemFailures`: only the failed records return to the queue; otherwise any failure returns all. */
  readonly reportsBatchItemFailures: boolean;
}

/** What the harness needs from a synthesized stack (`cdktf.out/stacks/<stack>/cdk.tf.json`). */
export interface SynthesizedStack {
  readonly dir: string;
  readonly mapping: MappingSettings;
  readonly functionTimeoutSeconds: number;
  readonly functionMemoryMb: number;
  /** `file.export`, as Lambda resolves it (e.g. `index.handler`). */
  readonly handler: string;
  /** The ETL zip the stack deploys (the synth's one copy under <outdir>/assets/). */
  readonly zipPath: string;
  /** The raw JSON, for checks that compare the deployed resources with what was synthesized. */
  readonly json: SynthesizedJson;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized Terraform JSON is untyped */
export type SynthesizedJson = { resource: Record<string, Record<string, Record<string, any>>> } & Record<string, any>;

function only(json: SynthesizedJson, type: string, stackDir: string): Record<string, any> {
  const values = Object.values(json.resource[type] ?? {});
  if (values.length !== 1) throw new Error(`${stackDir}: expected one ${type}, found ${values.length}`);
  return values[0]!;
}

export function readSynthesizedStack(stackDir: string): SynthesizedStack {
  const json = JSON.parse(readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8')) as SynthesizedJson;
  const mapping = only(json, 'aws_lambda_event_source_mapping', stackDir);
  const fn = only(json, 'aws_lambda_function', stackDir);
  return {
    dir: stackDir,
    mapping: {
      // Lambda's defaults when the attributes are left out
      batchSize: mapping.batch_size ?? 10,
      enabled: mapping.enabled ?? true,
      reportsBatchItemFailures: (mapping.function_response_types ?? []).includes('ReportBatchItemFailures'),
    },
    functionTimeoutSeconds: fn.timeout ?? 3,
    functionMemoryMb: fn.memory_size ?? 128,
    handler: fn.handler,
    zipPath: path.resolve(stackDir, fn.filename),
    json,
  };
}
