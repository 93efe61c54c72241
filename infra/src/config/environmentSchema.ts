import { z } from 'zod';
import { DUCKDB_SPILL_MIB, ephemeralStorageMib, MAX_EPHEMERAL_STORAGE_MIB, STAGED_COPIES } from '../constructs/etlFunctionStorage';
import { overlaps, parseIpv4Cidr, vpcCidrProblem, type Ipv4Block } from './cidr';
import { NAME_LIMITS, SUFFIX_PATTERN, regionalNames, type RegionalNames } from './names';
import { KNOWN_REGIONS, availabilityZonesOf, isKnownRegion } from './regions';

const semver = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/;
const roleArn = /^arn:aws:iam::(\d{12}):role\/[\w+=,.@\/-]{1,512}$/;

const knownRegion = z.string().refine(isKnownRegion, {
  error: (issue) => `unknown region "${String(issue.input)}"; known regions: ${KNOWN_REGIONS.join(', ')}`,
});

const positiveInt = (what: string, max = Number.MAX_SAFE_INTEGER) =>
  z.int().min(1, { error: `must be at least 1 (${what})` }).max(max, {
    error: `must be at most ${max} (${what})`,
  });

const regionSchema = z
  .object({
    name: knownRegion,
    cidr: z.string(),
    availabilityZones: z.array(z.string()).min(2, {
      error: 'needs at least 2 availability zones (Lambda in a VPC must span 2 AZs to stay available)',
    }),
  })
  .strict();

export const environmentSchema = z
  .object({
    $schema: z.string().optional(),
    description: z.string().optional(),
    suffix: z.string().regex(SUFFIX_PATTERN, {
      error: 'may hold only lowercase letters, digits and hyphens, and must start and end with a letter or digit (S3 bucket and Lambda names use it)',
    }),
    ephemeral: z.boolean(),
    /** On merge to main this environment deploys only after the named one succeeded (e.g. prod after staging). */
    deployAfter: z.string().optional(),
    account: z.string().regex(/^\d{12}$/, { error: 'must be a 12-digit AWS account id, e.g. "123456789012"' }),
    roles: z
      .object({
        deploy: z.string().regex(roleArn, { error: 'must be an IAM role ARN, arn:aws:iam::<account>:role/<name>' }),
        plan: z.string().regex(roleArn, { error: 'must be an IAM role ARN, arn:aws:iam::<account>:role/<name>' }),
      })
      .strict(),
    state: z
      .object({
        bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { error: 'must be an S3 bucket name (3-63 lowercase letters, digits, dots, hyphens)' }),
        region: knownRegion,
        /** DynamoDB lock table; without it, terraform's S3-native lockfile is used. */
        lockTable: z.string().regex(/^[A-Za-z0-9_.-]{3,255}$/, { error: 'must be a DynamoDB table name (3-255 letters, digits, _ . -)' }).optional(),
      })
      .strict(),
    regions: z.array(regionSchema).min(1, { error: 'needs at least one region' }),
    tags: z.record(z.string().regex(/^[\w .:/=+@-]{1,128}$/, { error: 'tag keys are 1-128 letters, digits, spaces and _ . : / = + - @' }), z.string().max(256)).default({}),
    alarms: z
      .object({
        /** Lambda errors in 10 minutes above which the errors alarm fires (the seed's rule: 5). */
        lambdaErrors: positiveInt('errors in 10 minutes').default(5),
        queueDepth: positiveInt('visible messages'),
        oldestMessageAgeSeconds: positiveInt('seconds', 1_209_600),
        /** Addresses subscribed to the alarm topic (each must confirm by mail). */
        emails: z.array(z.email({ error: 'must be an e-mail address' })).default([]),
      })
      .strict(),
    etl: z
      .object({
        /** Pin a released ETL version; without it the version in etl/package.json is deployed. */
        version: z.string().regex(semver, { error: 'must be a semantic version such as "1.4.0"' }).optional(),
        reservedConcurrency: positiveInt('concurrent executions', 1000),
        /** Lambda's SQS scaling floor is 2. */
        maxConcurrency: z.int().min(2, { error: 'must be at least 2 (the minimum Lambda allows for SQS maximum concurrency)' }).max(1000),
        batchSize: positiveInt('messages per batch', 10),
        timeoutSeconds: positiveInt('seconds', 900),
        /**
         * Lambda memory, which sets the CPU share: 1,769 MB is one whole vCPU, all the single-threaded transform can
         * use (at 1,024 MB it gets ~58% of one and takes ~1.7× as long, for about the same GB-seconds). Its peak RSS
         * is ~150 MB whatever the file size, so more memory buys nothing else.
         */
        memoryMb: z.int().min(128, { error: 'must be at least 128 (MB, Lambda\'s minimum)' }).max(10_240, { error: 'must be at most 10240 (MB, Lambda\'s maximum)' }).default(1769),
        /**
         * Largest file the ETL takes, MiB of text after gunzip (MAX_OBJECT_BYTES). With parallelRecords it sizes the
         * function's /tmp (formula at EtlFunctionProps.maxObjectBytes): the defaults, 3 files × 3 copies × 1,024 MiB +
         * 1,024 MiB of DuckDB spill, fill Lambda's 10,240 MiB.
         */
        maxObjectMb: positiveInt('MiB of text').default(1024),
        /** Files of one batch the ETL processes at the same time (MAX_PARALLEL_RECORDS). */
        parallelRecords: positiveInt('files at a time', 10).default(3),
      })
      .strict(),
  })
  .strict()
  .superRefine((env, ctx) => {
    for (const [i, arn] of [env.roles.deploy, env.roles.plan].entries()) {
      const account = roleArn.exec(arn)?.[1];
      if (account && account !== env.account) {
        ctx.addIssue({ code: 'custom', path: ['roles', i === 0 ? 'deploy' : 'plan'], message: `is in account ${account} but the environment's account is ${env.account}` });
      }
    }
    if (env.etl.maxConcurrency > env.etl.reservedConcurrency) {
      ctx.addIssue({
        code: 'custom',
        path: ['etl', 'maxConcurrency'],
        message: `${env.etl.maxConcurrency} exceeds reservedConcurrency ${env.etl.reservedConcurrency}; throttled receives would count toward the 3 deliveries before the DLQ`,
      });
    }
    const storageMib = ephemeralStorageMib(env.etl.maxObjectMb * 1024 ** 2, env.etl.parallelRecords);
    if (storageMib > MAX_EPHEMERAL_STORAGE_MIB) {
      ctx.addIssue({
        code: 'custom',
        path: ['etl', 'maxObjectMb'],
        message:
          `${env.etl.maxObjectMb} MiB with parallelRecords ${env.etl.parallelRecords} needs ${storageMib} MiB of /tmp, more than Lambda's ` +
          `${MAX_EPHEMERAL_STORAGE_MIB}: lower maxObjectMb or parallelRecords (each file stages up to ${STAGED_COPIES} copies of its text, plus ${DUCKDB_SPILL_MIB} MiB of DuckDB spill)`,
      });
    }
    checkRegions(env.regions, ctx);
    checkNameLengths(env.suffix, env.regions.map((r) => r.name), ctx);
  });

function checkRegions(regions: z.infer<typeof regionSchema>[], ctx: z.RefinementCtx): void {
  const seen = new Map<string, number>();
  const blocks: { index: number; block: Ipv4Block }[] = [];
  regions.forEach((region, index) => {
    const first = seen.get(region.name);
    if (first !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['regions', index, 'name'], message: `"${region.name}" is already defined at regions[${first}]; each region appears once` });
    } else {
      seen.set(region.name, index);
    }

    const parsed = parseIpv4Cidr(region.cidr);
    const problem = typeof parsed === 'string' ? parsed : vpcCidrProblem(parsed);
    if (problem) {
      ctx.addIssue({ code: 'custom', path: ['regions', index, 'cidr'], message: problem });
    } else if (typeof parsed !== 'string') {
      for (const other of blocks.filter((b) => overlaps(b.block, parsed))) {
        ctx.addIssue({ code: 'custom', path: ['regions', index, 'cidr'], message: `"${region.cidr}" overlaps regions[${other.index}].cidr "${other.block.cidr}"; give each region its own block` });
      }
      blocks.push({ index, block: parsed });
    }

    if (isKnownRegion(region.name)) {
      const allowed = availabilityZonesOf(region.name);
      region.availabilityZones.forEach((az, azIndex) => {
        if (!allowed.includes(az)) {
          ctx.addIssue({ code: 'custom', path: ['regions', index, 'availabilityZones', azIndex], message: `"${az}" is not an availability zone of ${region.name}; use one of ${allowed.join(', ')}` });
        } else if (region.availabilityZones.indexOf(az) !== azIndex) {
          ctx.addIssue({ code: 'custom', path: ['regions', index, 'availabilityZones', azIndex], message: `"${az}" is listed twice; list each zone once` });
        }
      });
    }
  });
}

/**
 * One message for the suffix, with the longest suffix that fits every region of the environment: a limit taken from
 * one region would fail again in a region with a longer name.
 */
function checkNameLengths(suffix: string, regions: string[], ctx: z.RefinementCtx): void {
  const [tightest] = regions
    .flatMap((region) => {
      const names = regionalNames(region, suffix);
      return (Object.keys(NAME_LIMITS) as (keyof RegionalNames)[]).map((key) => ({ ...NAME_LIMITS[key], name: names[key], maxSuffix: NAME_LIMITS[key].limit - (names[key].length - suffix.length) }));
    })
    .sort((a, b) => a.maxSuffix - b.maxSuffix);
  if (tightest === undefined || suffix.length <= tightest.maxSuffix) return;
  const { name, limit, what, maxSuffix } = tightest;
  ctx.addIssue({
    code: 'custom',
    path: ['suffix'],
    message: `makes the ${what} "${name}" ${name.length} characters long, over AWS's limit of ${limit}; use a suffix of at most ${maxSuffix} characters (the most that fits in all of ${regions.join(', ')})`,
  });
}

export type EnvironmentDefinition = z.infer<typeof environmentSchema>;
export type RegionDefinition = EnvironmentDefinition['regions'][number];
