import { GetFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { emptyBucket } from './emptyBucket';
import { type DeployOptions, type Deployment, deployEnvironment, type RegionDeployment } from './deployment';
import type { Emulator } from './emulator';
import { EventSourceMapping, type BatchReport } from './eventSourceMapping';
import { FunctionRuntime } from './functionRuntime';
import { ACCESS_KEYS } from './principals';
import { destroyClients, EMULATOR_CREDENTIALS, type RegionClients, regionClients } from './regionClients';

export interface PlatformRegion extends RegionDeployment {
  readonly clients: RegionClients;
  /** Set when the harness plays the queue mapping (the emulator cannot run Lambda). */
  readonly played?: { readonly mapping: EventSourceMapping; readonly runtime: FunctionRuntime; readonly sqs: SQSClient };
}

export interface Platform {
  readonly emulator: Emulator;
  readonly deployment: Deployment;
  readonly regions: readonly PlatformRegion[];
  region(name: string): PlatformRegion;
  /**
   * Stops the played mappings, empties the buckets and destroys the stacks; resolves with the time that took. Leaves
   * the emulator running. `destroy: false` only stops what runs here: for an emulator about to be discarded with
   * everything in it. @default { destroy: true }
   */
  stop(options?: { readonly destroy?: boolean }): Promise<number>;
}

export interface PlatformOptions extends Omit<DeployOptions, 'target'> {
  readonly emulator: Emulator;
  readonly onFunctionLog?: (region: string, line: string) => void;
  readonly onBatch?: (region: string, batch: BatchReport) => void;
  readonly onPollError?: (region: string, error: unknown) => void;
}

/** The function's environment as deployed, plus what the Lambda service sets itself. */
async function functionEnvironment(region: RegionDeployment, clients: RegionClients, emulator: Emulator): Promise<Record<string, string>> {
  const config = await clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: region.outputs.functionArn }));
  return {
    ...config.Environment?.Variables,
    AWS_REGION: region.region,
    AWS_DEFAULT_REGION: region.region,
    AWS_ENDPOINT_URL: emulator.target.endpoint,
    // its own key: the least-privilege check tells the function's calls by it (principals.ts)
    AWS_ACCESS_KEY_ID: ACCESS_KEYS.etlFunction(region.region),
    AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey,
    TZ: ':UTC',
  };
}

async function playMapping(region: RegionDeployment, clients: RegionClients, options: PlatformOptions): Promise<PlatformRegion['played']> {
  const { stack, outputs } = region;
  const runtime = new FunctionRuntime({
    zipPath: stack.zipPath,
    handler: stack.handler,
    functionName: outputs.functionArn.split(':').pop()!,
    functionArn: outputs.functionArn,
    timeoutSeconds: stack.functionTimeoutSeconds,
    memoryMb: stack.functionMemoryMb,
    env: await functionEnvironment(region, clients, options.emulator),
    onLog: (line) => options.onFunctionLog?.(region.region, line),
  });
  const { Attributes } = await clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: outputs.queueUrl, AttributeNames: ['QueueArn'] }));
  // Lambda polls with the function's execution role: the mapping signs as the ETL role, outside the VPC
  const sqs = new SQSClient({ endpoint: options.emulator.target.endpoint, region: region.region, credentials: { ...EMULATOR_CREDENTIALS, accessKeyId: ACCESS_KEYS.etlMapping(region.region) } });
  const mapping = new EventSourceMapping({
    sqs,
    queueUrl: outputs.queueUrl,
    queueArn: Attributes!.QueueArn!,
    region: region.region,
    // As synthesized, so the harness polls like the deployed mapping would (batch size, partial responses).
    mapping: { ...stack.mapping, enabled: true },
    invoke: (event) => runtime.invoke(event),
    onBatch: (batch) => options.onBatch?.(region.region, batch),
  });
  mapping.start((error) => options.onPollError?.(region.region, error));
  return { mapping, runtime, sqs };
}

/**
 * The whole platform on an emulator: the environment's stacks applied with terraform, and — where the emulator cannot
 * run Lambda — the built bundle driven from each queue as the event-source mapping would.
 */
export async function startPlatform(options: PlatformOptions): Promise<Platform> {
  const { emulator } = options;
  const deployment = await deployEnvironment({ ...options, target: emulator.target });
  const regions: PlatformRegion[] = [];
  const stop = async ({ destroy = true } = {}): Promise<number> => {
    await Promise.all(regions.map((r) => r.played?.mapping.stop()));
    const started = performance.now();
    for (const r of regions) {
      r.played?.runtime.stop();
      r.played?.sqs.destroy();
      if (destroy) await emptyBucket(r.clients.s3, r.outputs.bucketName);
      destroyClients(r.clients);
    }
    if (!destroy) return performance.now() - started;
    const emptying = performance.now() - started;
    return emptying + (await deployment.destroy());
  };
  try {
    for (const region of deployment.regions) {
      const clients = regionClients(emulator.target.endpoint, region.region);
      regions.push({ ...region, clients });
      if (!emulator.target.runsLambda) regions[regions.length - 1] = { ...region, clients, played: await playMapping(region, clients, options) };
    }
  } catch (error) {
    await stop().catch(() => {});
    throw error;
  }
  return {
    emulator,
    deployment,
    regions,
    region(name) {
      const found = regions.find((r) => r.region === name);
      if (!found) throw new Error(`no deployed region ${name}; deployed: ${regions.map((r) => r.region).join(', ')}`);
      return found;
    },
    stop,
  };
}
