import path from 'node:path';
import { z } from 'zod';
import { copyRecordSchema, isCopySuffix, type CopyRecord } from '../../infra/src/config/ephemeralCopy';
import { validatedJsonFile } from '../../infra/src/config/validatedJsonFile';
import type { CopyBucket } from './copyRegistry';
import { GitopsError } from './errors';

/** What gitops reads of a synthesized regional stack: whose it is, and where its state lives. */
export interface StackBackend {
  readonly stack: string;
  /** The environment's name, from the Environment tag RegionalStack sets over any tag of the definition. */
  readonly environment: string;
  /** The region of its AWS provider. */
  readonly region: string;
  /** Its S3 backend's bucket and region; none when it keeps local state (synthesized for an emulator). */
  readonly s3?: { readonly bucket: string; readonly region: string };
  /**
   * An on-demand copy's record, rebuilt from the tags every copy stack carries (so no file passes between jobs), and
   * the registry it belongs in: its state bucket.
   */
  readonly copy?: { readonly record: CopyRecord; readonly bucket: CopyBucket };
}

/** The parts of cdk.tf.json read here. */
const SYNTHESIZED_STACK = z.object({
  terraform: z.object({ backend: z.object({ s3: z.object({ bucket: z.string(), region: z.string(), dynamodb_table: z.string().optional() }).optional() }) }),
  provider: z.object({
    aws: z.array(z.object({ region: z.string(), default_tags: z.array(z.object({ tags: z.object({ Environment: z.string() }).catchall(z.string()) })).min(1) })).min(1),
  }),
});

/** Reads `<dir>/cdk.tf.json` of `stack` (as stackDirectory gives both). */
export function readStackBackend({ stack, dir }: { readonly stack: string; readonly dir: string }): StackBackend {
  const read = validatedJsonFile(path.join(dir, 'cdk.tf.json'), SYNTHESIZED_STACK);
  if (!read.ok) throw new GitopsError(`${stack} is not a regional stack as npm run synth writes it:\n${read.problems.join('\n')}`);
  const provider = read.data.provider.aws[0]!;
  const backend = read.data.terraform.backend.s3;
  const s3 = backend && { bucket: backend.bucket, region: backend.region };
  const { tags } = provider.default_tags[0]!;
  if (!isCopySuffix(tags.Environment)) return { stack, environment: tags.Environment, region: provider.region, ...(s3 ? { s3 } : {}) };
  if (!s3) throw new GitopsError(`${stack} is an on-demand copy without an S3 backend; its state and record live in its template's state bucket: synthesize it with npm run synth -- --copy <copy.json>`);
  const bucket: CopyBucket = { ...s3, ...(backend.dynamodb_table ? { lockTable: backend.dynamodb_table } : {}) };
  return { stack, environment: tags.Environment, region: provider.region, s3, copy: { record: copyFromTags(stack, tags), bucket } };
}

/** The record behind a copy stack's tags (ephemeralCopy.ts copyTags, read back). */
function copyFromTags(stack: string, tags: Readonly<Record<string, string>>): CopyRecord {
  const { Template, Suffix, ExpiresAt, CreatedBy, PullRequest } = tags;
  const record = {
    template: Template,
    suffix: Suffix,
    expiresAt: ExpiresAt,
    createdBy: CreatedBy,
    ...(PullRequest === undefined ? {} : { pullRequest: Number(PullRequest) }),
  };
  const parsed = copyRecordSchema.safeParse(record);
  if (!parsed.success || parsed.data.suffix !== tags.Environment) {
    const problems = parsed.success ? [`Suffix ${Suffix} is not its Environment ${tags.Environment}`] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new GitopsError(`${stack} is named like an on-demand copy, but its default tags do not describe one (${problems.join('; ')}); synthesize it with npm run synth -- --copy <copy.json>`);
  }
  return parsed.data;
}
