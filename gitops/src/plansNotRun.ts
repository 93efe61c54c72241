import type { JobResult } from './jobResults';

/** What the comment job knows of its pull request. */
export interface PullRequestFacts {
  readonly author: string | undefined;
  readonly fromFork: boolean;
}

/** Dependabot's pull requests run without secrets and without an OIDC token: no role can be assumed to plan them. */
export const DEPENDABOT = 'dependabot[bot]';

/**
 * Why no plan exists for this commit, from the results of the jobs before the comment (`toJSON(needs)`), or undefined
 * when the plan jobs ran (the report then shows their plans, and names any stack whose plan failed).
 */
export function plansNotRunReason(needs: Readonly<Record<string, JobResult>>, pr: PullRequestFacts): string | undefined {
  const { test, integration, plan } = needs;
  if (test !== 'success') return `the tests or synth did not pass (job \`test\`: ${test ?? 'not run'}); plans run once they pass`;
  if (integration !== 'success') return `the integration suite did not pass (job \`integration\`: ${integration ?? 'not run'}); plans run only after it passes`;
  if (plan !== 'skipped') return undefined;
  if (pr.author === DEPENDABOT) return 'a Dependabot pull request gets no OIDC token, so no plan role can be assumed; the merge deploy plans it, and shows the plan to approvers';
  if (pr.fromFork) return 'a pull request from a fork gets no OIDC token, so no plan role can be assumed; the merge deploy plans it, and shows the plan to approvers';
  return 'no environment has a deployable (non-ephemeral) stack';
}
