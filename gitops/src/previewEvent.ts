/**
 * What a pull_request event means for the pull request's preview, the copy `eph-pr-<number>` that the label
 * `preview` asks for: deploy it (labelled now, or a labelled pull request got new commits or was reopened), destroy it
 * (label removed, or pull request closed), or nothing. Pull requests from forks never get one: their runs have no
 * OIDC token and no secrets, and a preview would run their code with the copies' role. Nor do events Dependabot
 * triggers, which GitHub runs the same way.
 */
import { COPY_PREFIX } from '../../infra/src/config/ephemeralCopy';
import { GitopsError } from './errors';

/** The label that asks for a preview. */
export const PREVIEW_LABEL = 'preview';

/** GitHub runs the events this bot triggers like a fork's: read-only token, no secrets, no OIDC token. */
const DEPENDABOT = 'dependabot[bot]';

/** Every preview's suffix starts with it; the copy guard keeps it for them. */
export const PREVIEW_PREFIX = `${COPY_PREFIX}pr-`;

export function previewSuffix(pullRequest: number): string {
  return `${PREVIEW_PREFIX}${pullRequest}`;
}

export type PreviewDecision =
  /** Deploy (or update) the preview, made by `actor`. */
  | { readonly action: 'deploy'; readonly pullRequest: number; readonly suffix: string; readonly actor: string; readonly why: string }
  /** Destroy the preview. */
  | { readonly action: 'destroy'; readonly pullRequest: number; readonly suffix: string; readonly why: string }
  /** Nothing to do; `refused` when a preview was asked for but cannot be given here (the run summary says why). */
  | { readonly action: 'none'; readonly pullRequest: number; readonly why: string; readonly refused?: boolean };

/** The fields of GitHub's pull_request event payload this reads (https://docs.github.com/webhooks/webhook-events-and-payloads#pull_request). */
export interface PullRequestPayload {
  readonly action?: string;
  readonly label?: { readonly name?: string };
  readonly sender?: { readonly login?: string };
  readonly pull_request?: {
    readonly number: number;
    readonly state?: string;
    readonly labels?: readonly { readonly name?: string }[];
    readonly head: { readonly repo?: { readonly full_name?: string } | null };
    readonly base: { readonly repo: { readonly full_name: string } };
  };
}

/** The decision for one event; `eventName` other than pull_request is a wiring mistake. */
export function previewDecision(eventName: string, payload: PullRequestPayload): PreviewDecision {
  const pr = payload.pull_request;
  if (eventName !== 'pull_request' || !pr) {
    throw new GitopsError(`preview reads a pull_request event, not ${eventName}: run it from a workflow on: pull_request (types labeled, unlabeled, synchronize, reopened, closed)`);
  }
  const pullRequest = pr.number;
  const suffix = previewSuffix(pullRequest);
  const labelled = (pr.labels ?? []).some((label) => label.name === PREVIEW_LABEL);
  const thisLabel = payload.label?.name;
  const intent = intentOf(payload.action, labelled, thisLabel, pr.state);
  if (intent.action === 'none') return { action: 'none', pullRequest, why: intent.why };

  const head = pr.head.repo?.full_name;
  if (head !== pr.base.repo.full_name) {
    return {
      action: 'none',
      pullRequest,
      refused: true,
      why: `refused: pull request #${pullRequest} comes from ${head ?? 'a deleted fork'}; runs of a fork's pull request get no OIDC token and no secrets, so it gets no preview (push the branch to this repository to have one)`,
    };
  }
  const actor = payload.sender?.login ?? '';
  if (actor === DEPENDABOT) {
    const then = intent.action === 'destroy' ? `; the reaper destroys ${suffix} at its expiry` : '; a person labelling it again deploys it';
    return { action: 'none', pullRequest, refused: true, why: `refused: GitHub runs what ${DEPENDABOT} triggers without an OIDC token, so nothing is ${intent.action}ed${then}` };
  }
  return intent.action === 'deploy' ? { action: 'deploy', pullRequest, suffix, actor, why: intent.why } : { action: 'destroy', pullRequest, suffix, why: intent.why };
}

/** What the event asks of the preview, before who may have it is checked. */
function intentOf(action: string | undefined, labelled: boolean, thisLabel: string | undefined, state: string | undefined): { action: 'deploy' | 'destroy' | 'none'; why: string } {
  const label = `label "${PREVIEW_LABEL}"`;
  switch (action) {
    case 'labeled':
      if (thisLabel !== PREVIEW_LABEL) return { action: 'none', why: `labelled "${thisLabel ?? ''}", not "${PREVIEW_LABEL}"` };
      // a closed pull request can be labelled too; it gets no preview
      if (state === 'closed') return { action: 'none', why: `${label} added to a closed pull request` };
      return { action: 'deploy', why: `${label} added` };
    case 'unlabeled':
      return thisLabel === PREVIEW_LABEL ? { action: 'destroy', why: `${label} removed` } : { action: 'none', why: `label "${thisLabel ?? ''}" removed, not "${PREVIEW_LABEL}"` };
    case 'synchronize':
    case 'reopened':
      return labelled ? { action: 'deploy', why: `${action === 'reopened' ? 'reopened' : 'new commits'} with the ${label}` } : { action: 'none', why: `no ${label}` };
    case 'closed':
      return labelled ? { action: 'destroy', why: 'pull request closed' } : { action: 'none', why: `closed without the ${label}` };
    default:
      return { action: 'none', why: `event action "${action ?? ''}" never changes a preview` };
  }
}
