/**
 * What a plan of one shipped stack on an empty state must show, and which stacks there are. Each stack is planned once
 * per `npm test`: the plan report suite (gitops/test/planReport.test.ts) plans REPORT_STACKS through the workflow's plan
 * step and checks them here; terraformPlan.test.ts plans the rest.
 */
import path from 'node:path';
import { loadEnvironments } from '../../src/config/loadEnvironments';
import { regionKey } from '../../src/config/regions';
import { stackName } from '../../src/stacks/RegionalStack';
import type { PlanJson, ResourceChange } from '../../src/terraform/terraformCli';

export interface ShippedStack {
  readonly name: string;
  readonly environment: string;
  readonly region: string;
  readonly suffix: string;
}

/** Every stack of every environment in environments/. */
export const SHIPPED_STACKS: readonly ShippedStack[] = loadEnvironments(path.resolve(__dirname, '../../../environments')).flatMap((env) =>
  env.regions.map((region) => ({ name: stackName(env.name, region.name), environment: env.name, region: region.name, suffix: env.suffix })),
);

/** One stack of each environment, each in another region: what the plan report suite plans (and checks with checkStackPlan). */
export const REPORT_STACKS = ['dev-us-east-1', 'staging-eu-west-1', 'prod-ap-southeast-1'];

const REQUIRED_TAGS = ['Environment', 'Region', 'Application', 'ManagedBy', 'EtlVersion'];

/** Resource kinds each regional stack creates, with how many at least. */
const AT_LEAST: Record<string, number> = {
  aws_vpc: 1,
  aws_subnet: 2, // one per availability zone, and Lambda wants two
  aws_s3_bucket: 1,
  aws_lambda_function: 1,
  aws_dynamodb_table: 1,
  aws_cloudwatch_event_rule: 1,
  aws_cloudwatch_dashboard: 1,
  aws_iam_role: 1,
  aws_lambda_event_source_mapping: 1,
};
/** Kinds whose count is part of the design: work queue + dead-letter queue; errors, depth, oldest message, DLQ alarms. */
const EXACTLY: Record<string, number> = { aws_sqs_queue: 2, aws_cloudwatch_metric_alarm: 4 };
/** The one expected kind without tags: AWS has no tags on CloudWatch dashboards (provider 5.x has no tags_all for it). */
const UNTAGGABLE = new Set(['aws_cloudwatch_dashboard']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Why a resource's tags_all falls short, or undefined for resources without tags_all. */
function tagProblem(change: ResourceChange, environment: string, region: string): string | undefined {
  const { after, after_unknown: unknown } = change.change;
  // values only known after apply are left out of `after` and marked true in `after_unknown`
  if (isRecord(unknown) && unknown.tags_all === true) return `${change.address}: tags_all unknown at plan time, cannot be checked`;
  if (!isRecord(after) || !('tags_all' in after)) return undefined;
  const tags = isRecord(after.tags_all) ? after.tags_all : {};
  const missing = REQUIRED_TAGS.filter((key) => !(key in tags));
  if (missing.length > 0) return `${change.address}: tags_all lacks ${missing.join(', ')}`;
  if (tags.Environment !== environment || tags.Region !== region) {
    return `${change.address}: tags_all has Environment=${String(tags.Environment)} Region=${String(tags.Region)}`;
  }
  return undefined;
}

function isTaggable(change: ResourceChange): boolean {
  const { after, after_unknown: unknown } = change.change;
  return (isRecord(after) && 'tags_all' in after) || (isRecord(unknown) && 'tags_all' in unknown);
}

/** The checks on a plan of `stack` on an empty state (emulator target, real provider). */
export function checkStackPlan(json: PlanJson, { environment, region, suffix }: ShippedStack): void {
    const changes = json.resource_changes ?? [];

    // (a) a fresh state: only creates, never a delete or replace
    const notCreate = changes.filter((c) => c.change.actions.join() !== 'create').map((c) => `${c.address}: ${c.change.actions.join('+')}`);
    expect(notCreate).toEqual([]);

    // (b) the kinds the platform is made of
    const counts = new Map<string, number>();
    for (const c of changes) counts.set(c.type, (counts.get(c.type) ?? 0) + 1);
    const short = Object.entries(AT_LEAST)
      .filter(([type, min]) => (counts.get(type) ?? 0) < min)
      .map(([type, min]) => `${type}: ${counts.get(type) ?? 0}, expected at least ${min}`);
    expect(short).toEqual([]);
    expect(Object.fromEntries(Object.keys(EXACTLY).map((type) => [type, counts.get(type) ?? 0]))).toEqual(EXACTLY);

    // (c) provider 5.100.0 resolves default tags into tags_all at plan time, so the planned values show the tags
    // each resource will carry; an unknown tags_all would fail here rather than pass unchecked
    expect(changes.flatMap((c) => tagProblem(c, environment, region) ?? [])).toEqual([]);
    const taggedKinds = new Set(changes.filter(isTaggable).map((c) => c.type));
    const expectedTagged = [...Object.keys(AT_LEAST), ...Object.keys(EXACTLY)].filter((type) => !UNTAGGABLE.has(type));
    expect(expectedTagged.filter((type) => !taggedKinds.has(type))).toEqual([]); // the check above was not vacuous

    // (d) the outputs the workflows and the integration suite read
    const key = regionKey(region);
    const outputs = json.output_changes ?? {};
    const outputNames = ['s3_bucket_name', 'lambda_function_arn', 'dynamodb_table_name', 'sqs_queue_url', 'vpc_id'].map((n) => `${n}_${key}`);
    expect(outputNames.filter((n) => outputs[n]?.actions.join() !== 'create')).toEqual([]);
    expect(outputs[`s3_bucket_name_${key}`]?.after).toBe(`analytics-bucket-${region}-${suffix}`);
}
