import * as core from '@actions/core';
import { Context } from '@actions/github/lib/context';
import { writeFileSync } from 'node:fs';
import { DEFAULT_TTL_HOURS } from '../../infra/src/config/ephemeralCopy';
import { loadEnvironments } from '../../infra/src/config/loadEnvironments';
import { setOutput, writeSummary } from './actionsIo';
import type { Command } from './command';
import { copyDescription, copyOutputs, copyRoleOutputs, PREVIEW_INSTRUCTIONS, requestCopy, templateFor } from './copyRequest';
import { parseFlags } from './flags';
import { previewDecision, type PullRequestPayload } from './previewEvent';

const USAGE = 'npm run gitops -- preview [--template <ephemeral environment>] [--out copy.json] [--environments environments]   (reads the pull_request event)';

/**
 * The guard of preview.yml: from the pull_request event, outputs `action` (deploy, destroy or none) and, to deploy,
 * what `gitops copy` outputs for `eph-pr-<number>` (record written to `--out`); to destroy, `suffix`, `environment`
 * (the template's GitHub environment, whose OIDC subject the copies' role trusts), `copy-role` and `copy-region`. A fork's pull request is refused
 * with a line in the summary and a warning, and the run goes on with nothing to do.
 */
export const previewCommand: Command = {
  usage: USAGE,
  async run(argv) {
    const flags = parseFlags(USAGE, argv, {
      template: { type: 'string' },
      out: { type: 'string', default: 'copy.json' },
      environments: { type: 'string', default: 'environments' },
    });
    const context = new Context();
    // the event file GitHub wrote: a pull_request event's fields (tested on recorded shapes)
    const decision = previewDecision(context.eventName, context.payload as PullRequestPayload);
    setOutput('action', decision.action);
    if (decision.action === 'none') {
      if (decision.refused) core.warning(decision.why);
      writeSummary(`### preview of #${decision.pullRequest}: nothing to do\n\n${decision.why}\n`);
      return;
    }
    const environments = loadEnvironments(flags.environments);
    if (decision.action === 'destroy') {
      setOutput('suffix', decision.suffix);
      for (const [name, value] of Object.entries(copyRoleOutputs(templateFor(environments, flags.template)))) setOutput(name, value);
      writeSummary(`### destroy preview ${decision.suffix} (${decision.why})\n`);
      return;
    }
    const copy = requestCopy(environments, {
      template: flags.template,
      suffix: decision.suffix,
      ttlHours: DEFAULT_TTL_HOURS,
      actor: decision.actor,
      pullRequest: decision.pullRequest,
      now: new Date(),
    });
    writeFileSync(flags.out, `${JSON.stringify(copy.record, null, 2)}\n`);
    for (const [name, value] of Object.entries(copyOutputs(copy))) setOutput(name, value);
    writeSummary(`### deploy preview ${copy.record.suffix} (${decision.why})\n\n${copyDescription(copy.record, copy.environment.regions.map((r) => r.name), PREVIEW_INSTRUCTIONS)}`);
  },
};
