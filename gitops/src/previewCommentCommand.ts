import * as core from '@actions/core';
import { Context } from '@actions/github/lib/context';
import { copyRecordSchema } from '../../infra/src/config/ephemeralCopy';
import { setOutput, writeSummary } from './actionsIo';
import type { Command } from './command';
import { UsageError } from './errors';
import { parseFlags } from './flags';
import { githubFromEnvironment, workflowRunUrl } from './githubApi';
import { parseJsonFlag } from './jsonFlag';
import { commentTarget } from './planComment';
import { PREVIEW_MARKER, readStackOutputs, renderPreviewComment, renderPreviewDestroyed } from './previewComment';
import { parseMatrix } from './stackMatrix';
import { upsertComment } from './stickyComment';

const USAGE = [
  "npm run gitops -- preview-comment --record '<the record output of gitops preview>' --matrix '<its matrix output>' [--outputs outputs]",
  'npm run gitops -- preview-comment --destroyed <eph-pr-… suffix>',
].join('\n       ');

/**
 * The preview's sticky comment on the pull request of the event (needs GITHUB_TOKEN with pull-requests: write): after
 * the deploy, the copy with each region's outputs (`<stack>.json` files of `gitops stack-outputs` under `--outputs`;
 * a region without one is named as not deployed); after the destroy, that it is gone. Also in the job summary.
 */
export const previewCommentCommand: Command = {
  usage: USAGE,
  async run(argv) {
    const flags = parseFlags(USAGE, argv, {
      record: { type: 'string' },
      matrix: { type: 'string' },
      outputs: { type: 'string', default: 'outputs' },
      destroyed: { type: 'string' },
    });
    const context = new Context();
    let body: string;
    if (flags.destroyed !== undefined) {
      if (flags.record !== undefined || flags.matrix !== undefined) throw new UsageError(`--destroyed says the copy is gone: no --record or --matrix with it\nusage: ${USAGE}`);
      body = renderPreviewDestroyed(flags.destroyed, { runUrl: workflowRunUrl() });
    } else {
      if (flags.record === undefined || flags.matrix === undefined) throw new UsageError(`--record and --matrix are required (or --destroyed)\nusage: ${USAGE}`);
      const record = parseJsonFlag(flags.record, '--record', copyRecordSchema, 'the record output of npm run gitops -- preview');
      const commit = (context.payload.pull_request?.head as { sha?: string } | undefined)?.sha ?? context.sha;
      body = renderPreviewComment(record, parseMatrix(flags.matrix, '--matrix'), readStackOutputs(flags.outputs), { commit, runUrl: workflowRunUrl() });
    }
    writeSummary(body.slice(PREVIEW_MARKER.length + 1));
    const target = commentTarget(context, process.env.GITHUB_TOKEN);
    if ('skip' in target) {
      core.notice(target.skip);
      return;
    }
    const { octokit } = await githubFromEnvironment();
    const { action, url } = await upsertComment(octokit, target.pullRequest, body, PREVIEW_MARKER);
    core.info(`preview comment ${action}: ${url}`);
    setOutput('comment-url', url);
  },
};
