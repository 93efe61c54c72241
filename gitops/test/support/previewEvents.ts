import { OWNER, pullRequestEvent, REPO, SAME_REPO } from './actionsEvents';

/** A label as pull_request events carry it (in `label` and in `pull_request.labels`). */
export function label(name: string, id = 7_123_456_789) {
  return {
    id,
    node_id: `LA_kwDOMG3gTs8AAAABqL${id.toString(36)}`,
    url: `https://api.github.com/repos/${OWNER}/${REPO}/labels/${encodeURIComponent(name)}`,
    name,
    color: name === 'preview' ? '0e8a16' : 'd73a4a',
    default: name === 'bug',
    description: name === 'preview' ? 'Deploy a copy of the platform for this pull request' : null,
  };
}

export interface EventShape {
  /** The pull request's labels after the event. */
  readonly labels?: readonly string[];
  /** The label added or removed (labeled / unlabeled only). */
  readonly label?: string;
  readonly closed?: { readonly merged: boolean };
  readonly headRepo?: { full_name: string; fork: boolean } | null;
  readonly sender?: string;
}

/**
 * A pull_request event of `action` as GitHub writes it to GITHUB_EVENT_PATH: `label` only on labeled/unlabeled,
 * `before`/`after` only on synchronize, `state: closed` with `merged` on closed (the shapes of
 * https://docs.github.com/webhooks/webhook-events-and-payloads#pull_request, trimmed like actionsEvents.ts).
 */
export function previewEvent(action: 'labeled' | 'unlabeled' | 'synchronize' | 'reopened' | 'closed' | 'edited', shape: EventShape = {}) {
  const base = pullRequestEvent(shape.headRepo === undefined ? SAME_REPO : shape.headRepo);
  const sender = shape.sender ? { login: shape.sender, type: shape.sender.endsWith('[bot]') ? 'Bot' : 'User' } : base.sender;
  return {
    ...base,
    action,
    ...(shape.label === undefined ? {} : { label: label(shape.label) }),
    ...(action === 'synchronize' ? { before: '9c0ffee9c0ffee9c0ffee9c0ffee9c0ffee9c0ff', after: base.pull_request.head.sha } : {}),
    pull_request: {
      ...base.pull_request,
      state: shape.closed ? 'closed' : 'open',
      labels: (shape.labels ?? []).map((name, i) => label(name, 7_123_456_789 + i)),
      merged: shape.closed?.merged ?? false,
      closed_at: shape.closed ? '2026-12-03T17:41:56Z' : null,
    },
    sender,
  };
}
