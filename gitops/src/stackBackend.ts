import path from 'node:path';
import { z } from 'zod';
import { validatedJsonFile } from '../../infra/src/config/validatedJsonFile';
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
}

/** The parts of cdk.tf.json read here. */
const SYNTHESIZED_STACK = z.object({
  terraform: z.object({ backend: z.object({ s3: z.object({ bucket: z.string(), region: z.string() }).optional() }) }),
  provider: z.object({
    aws: z.array(z.object({ region: z.string(), default_tags: z.array(z.object({ tags: z.object({ Environment: z.string() }) })).min(1) })).min(1),
  }),
});

/** Reads `<dir>/cdk.tf.json` of `stack` (as stackDirectory gives both). */
export function readStackBackend({ stack, dir }: { readonly stack: string; readonly dir: string }): StackBackend {
  const read = validatedJsonFile(path.join(dir, 'cdk.tf.json'), SYNTHESIZED_STACK);
  if (!read.ok) throw new GitopsError(`${stack} is not a regional stack as npm run synth writes it:\n${read.problems.join('\n')}`);
  const provider = read.data.provider.aws[0]!;
  const s3 = read.data.terraform.backend.s3;
  return { stack, environment: provider.default_tags[0]!.tags.Environment, region: provider.region, ...(s3 ? { s3 } : {}) };
}
