import { parseJobsArgs, parseRedriveArgs } from './args';
import { type OpsClients, createOpsClients, endpointNote } from './clients';
import { OpsError } from './errors';
import { formatJob, formatJobTable, toJson } from './format';
import { getJob, listJobs } from './jobQueries';
import { queueDepth, queueUrl, redriveMessages } from './redrive';
import { replayJob } from './replay';
import { type Target, resolveTarget, targetFlags } from './target';

export interface CommandDeps {
  readonly now: () => Date;
  readonly clients: (region: string) => OpsClients;
  /** For messages (the endpoint in use). */
  readonly env: NodeJS.ProcessEnv;
}

export const defaultDeps: CommandDeps = { now: () => new Date(), clients: createOpsClients, env: process.env };

/** What a command printed and how it ended. */
export interface CommandResult {
  readonly stdout: string;
  readonly exitCode: number;
}

/** `jobs list …`, `jobs show <id> …` and `jobs replay <id> …`. */
export async function jobsCommand(argv: readonly string[], deps: CommandDeps = defaultDeps): Promise<CommandResult> {
  const args = parseJobsArgs(argv, deps.now());
  if (args.kind === 'help') return { stdout: args.usage, exitCode: 0 };
  const target = resolveTarget(args.target, args.environmentsDir);
  const clients = deps.clients(target.region);
  const { ddb } = clients;

  if (args.kind === 'list') {
    const list = await listJobs(ddb, target.jobTable, args);
    if (args.json) {
      const { jobTable: table, region } = target;
      return { stdout: toJson({ table, region, statuses: args.statuses, ...args.window, total: list.total, jobs: list.jobs }), exitCode: 0 };
    }
    return { stdout: formatJobTable(list, { table: where(target, deps.env), statuses: args.statuses, window: args.window, limit: args.limit }), exitCode: 0 };
  }

  const job = await getJob(ddb, target.jobTable, args.jobId);
  if (job === undefined) {
    throw new OpsError(`job ${args.jobId} not found in ${where(target, deps.env)}; list recent ones with: npm run jobs -- list ${targetFlags(target)}`);
  }
  if (args.kind === 'show') return { stdout: args.json ? toJson(job) : formatJob(job), exitCode: 0 };

  const sent = await replayJob(job, clients, target, deps.now);
  const { object } = sent;
  const lines = [
    sent.resent
      ? `Job ${args.jobId} was already REPLAY_REQUESTED and has not run since: its message was sent again; it runs as attempt ${sent.attempt}.`
      : `Replay of job ${args.jobId} requested: it runs as attempt ${sent.attempt} (attempt ${sent.attempt - 1} FAILED with ${sent.failedWith}).`,
    `Sent s3://${object.bucket}/${object.key} (version ${object.versionId}, ${object.size} bytes) to ${target.queue} (${target.region}${endpointNote(deps.env)}) as message ${sent.messageId}.`,
    `Follow it: npm run jobs -- show ${args.jobId} ${targetFlags(target)}`,
  ];
  return { stdout: `${lines.join('\n')}\n`, exitCode: 0 };
}

/** `dlq:redrive …`: exit code 1 when some message could not be moved. */
export async function redriveCommand(argv: readonly string[], deps: CommandDeps = defaultDeps): Promise<CommandResult> {
  const args = parseRedriveArgs(argv);
  if (args.kind === 'help') return { stdout: args.usage, exitCode: 0 };
  const target = resolveTarget(args.target, args.environmentsDir);
  const { sqs } = deps.clients(target.region);
  const sourceUrl = await queueUrl(sqs, target.deadLetterQueue);
  const destinationUrl = await queueUrl(sqs, target.queue);

  const result = await redriveMessages(sqs, { sourceUrl, destinationUrl, max: args.max });
  const left = await queueDepth(sqs, sourceUrl);

  const lines = [`Moved ${result.moved} message${result.moved === 1 ? '' : 's'} from ${target.deadLetterQueue} to ${target.queue} (${target.region}${endpointNote(deps.env)}).`];
  if (result.reachedMax) lines.push(`Stopped at --max ${args.max}.`);
  for (const failure of result.notSent) lines.push(`Not moved (still in the DLQ): ${failure.messageId}: ${failure.reason}`);
  for (const failure of result.notDeleted) {
    lines.push(`Sent but not deleted from the DLQ (a later redrive sends it again): ${failure.messageId}: ${failure.reason}`);
  }
  lines.push(`${target.deadLetterQueue} now holds about ${left.visible} message${left.visible === 1 ? '' : 's'} (${left.inFlight} in flight).`);
  const failed = result.notSent.length + result.notDeleted.length;
  return { stdout: `${lines.join('\n')}\n`, exitCode: failed > 0 ? 1 : 0 };
}

function where(target: Target, env: NodeJS.ProcessEnv): string {
  return `${target.jobTable} (${target.region}${endpointNote(env)})`;
}
