import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';

export const FAKE_TOKEN = 'ghs_fakeWorkflowToken';

/** An environment as set in Settings → Environments. */
export interface FakeEnvironment {
  readonly name: string;
  /** null is "No restriction"; otherwise exactly one of the two is true ("Protected branches only" / "Selected branches and tags"). */
  readonly deployment_branch_policy: { readonly protected_branches: boolean; readonly custom_branch_policies: boolean } | null;
  /** The "Selected branches and tags" rules; GitHub's own example lists them without `type`. */
  readonly branch_policies?: readonly { readonly name: string; readonly type?: 'branch' | 'tag' }[];
}

/** A deployment as a job with `environment:` creates it: for the run's commit, with the states its job went through. */
export interface FakeDeployment {
  readonly environment: string;
  readonly sha: string;
  readonly created_at: string;
  /** Oldest first, e.g. waiting → queued → in_progress → success. */
  readonly states: readonly string[];
}

/** Which permission the workflow token lacks: GitHub answers 403 on the endpoints that need it. */
export type Permission = 'actions' | 'deployments';

/** GitHub's classic node ids, as in the reference's examples: base64 of `<type length>:<type><id>` ("010:Deployment1"). */
const nodeId = (type: string, id: number) => Buffer.from(`${String(type.length).padStart(3, '0')}:${type}${id}`).toString('base64');

const ACTIONS_BOT = {
  login: 'github-actions[bot]',
  id: 41898282,
  node_id: 'MDM6Qm90NDE4OTgyODI=',
  avatar_url: 'https://avatars.githubusercontent.com/in/15368?v=4',
  gravatar_id: '',
  url: 'https://api.github.com/users/github-actions%5Bbot%5D',
  html_url: 'https://github.com/apps/github-actions',
  type: 'Bot',
  site_admin: false,
};

/**
 * GitHub's deployments REST API on a loopback port, for the real octokit of @actions/github (`GITHUB_API_URL`, or
 * `getOctokit(token, { baseUrl })`). It answers the four reads the gitops commands make with the fields of the example
 * responses in GitHub's REST reference, API version 2022-11-28 (octokit sends no X-GitHub-Api-Version header):
 * - https://docs.github.com/rest/deployments/environments#get-an-environment
 * - https://docs.github.com/rest/deployments/branch-policies#list-deployment-branch-policies
 * - https://docs.github.com/rest/deployments/deployments#list-deployments (newest first, filtered by environment / sha)
 * - https://docs.github.com/rest/deployments/statuses#list-deployment-statuses (newest first; Actions jobs also
 *   report `waiting` while an approval is pending, a state the reference's enum does not list)
 * Errors carry GitHub's error body: 404 `Not Found`, 403 `Resource not accessible by integration`.
 */
export async function fakeDeploymentsApi(owner: string, repo: string) {
  const environments: FakeEnvironment[] = [];
  const deployments: (FakeDeployment & { readonly id: number })[] = [];
  const requests: string[] = [];
  const denied = new Set<Permission>();
  let nextId = 1_480_000_000;
  const api = `https://api.github.com/repos/${owner}/${repo}`;
  const runUrl = `https://github.com/${owner}/${repo}/actions/runs/12012345678`;

  const environmentView = (env: FakeEnvironment, index: number) => ({
    id: 161088068 + index,
    node_id: nodeId('Environment', 161088068 + index),
    name: env.name,
    url: `${api}/environments/${env.name}`,
    html_url: `https://github.com/${owner}/${repo}/deployments/activity_log?environments_filter=${env.name}`,
    created_at: '2026-11-02T10:00:40Z',
    updated_at: '2026-11-02T10:04:12Z',
    // a branch restriction is listed among the protection rules as well
    protection_rules: env.deployment_branch_policy ? [{ id: 3756, node_id: 'MDQ6R2F0ZTM3NTY=', type: 'branch_policy' }] : [],
    deployment_branch_policy: env.deployment_branch_policy,
  });
  const deploymentView = (d: FakeDeployment & { id: number }) => ({
    url: `${api}/deployments/${d.id}`,
    id: d.id,
    node_id: nodeId('Deployment', d.id),
    sha: d.sha,
    ref: 'main',
    task: 'deploy',
    payload: {},
    original_environment: d.environment,
    environment: d.environment,
    description: null,
    creator: ACTIONS_BOT,
    created_at: d.created_at,
    updated_at: d.created_at,
    statuses_url: `${api}/deployments/${d.id}/statuses`,
    repository_url: api,
    transient_environment: false,
    production_environment: false,
  });
  const statusView = (d: FakeDeployment & { id: number }, state: string, index: number) => ({
    url: `${api}/deployments/${d.id}/statuses/${d.id * 10 + index}`,
    id: d.id * 10 + index,
    node_id: nodeId('DeploymentStatus', d.id * 10 + index),
    state,
    creator: ACTIONS_BOT,
    description: '',
    environment: d.environment,
    target_url: runUrl,
    created_at: d.created_at,
    updated_at: d.created_at,
    deployment_url: `${api}/deployments/${d.id}`,
    repository_url: api,
    environment_url: '',
    log_url: runUrl,
  });

  const error = (status: number, message: string, docs: string) => ({ status, json: { message, documentation_url: `https://docs.github.com/rest/deployments/${docs}`, status: String(status) } });
  const page = <T>(items: readonly T[], url: URL) => {
    const perPage = Number(url.searchParams.get('per_page') ?? 30);
    const number = Number(url.searchParams.get('page') ?? 1);
    return items.slice((number - 1) * perPage, number * perPage);
  };
  const newestFirst = <T extends { id: number }>(items: readonly T[]) => [...items].sort((a, b) => b.id - a.id);

  function handle(req: IncomingMessage): { status: number; json: unknown } {
    const url = new URL(req.url ?? '/', 'http://localhost');
    requests.push(`${req.method} ${url.pathname}${url.search}`);
    if (req.headers.authorization !== `token ${FAKE_TOKEN}`) return { status: 401, json: { message: 'Bad credentials' } };
    const base = `/repos/${owner}/${repo}`;
    const path = url.pathname.startsWith(`${base}/`) && req.method === 'GET' ? url.pathname.slice(base.length) : '';

    const environment = /^\/environments\/([^/]+)(\/deployment-branch-policies)?$/.exec(path);
    if (environment) {
      const docs = environment[2] ? 'branch-policies#list-deployment-branch-policies' : 'environments#get-an-environment';
      if (denied.has('actions')) return error(403, 'Resource not accessible by integration', docs);
      const index = environments.findIndex((env) => env.name === decodeURIComponent(environment[1]!));
      const found = environments[index];
      if (!found) return error(404, 'Not Found', docs);
      if (!environment[2]) return { status: 200, json: environmentView(found, index) };
      // the rules exist only under "Selected branches and tags"
      if (!found.deployment_branch_policy?.custom_branch_policies) return error(404, 'Not Found', docs);
      const rules = (found.branch_policies ?? []).map((rule, i) => ({ id: 361471 + i, node_id: nodeId('GateBranchPolicy', 361471 + i), ...rule }));
      return { status: 200, json: { total_count: rules.length, branch_policies: page(rules, url) } };
    }
    if (path === '/deployments') {
      if (denied.has('deployments')) return error(403, 'Resource not accessible by integration', 'deployments#list-deployments');
      const environmentFilter = url.searchParams.get('environment');
      const shaFilter = url.searchParams.get('sha');
      const matching = deployments.filter((d) => (!environmentFilter || d.environment === environmentFilter) && (!shaFilter || d.sha === shaFilter));
      return { status: 200, json: page(newestFirst(matching), url).map(deploymentView) };
    }
    const statuses = /^\/deployments\/(\d+)\/statuses$/.exec(path);
    if (statuses) {
      if (denied.has('deployments')) return error(403, 'Resource not accessible by integration', 'statuses#list-deployment-statuses');
      const deployment = deployments.find((d) => d.id === Number(statuses[1]));
      if (!deployment) return error(404, 'Not Found', 'statuses#list-deployment-statuses');
      const views = deployment.states.map((state, index) => statusView(deployment, state, index));
      return { status: 200, json: page(newestFirst(views), url) };
    }
    return { status: 404, json: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' } };
  }

  const server: Server = createServer((req, res) => {
    const { status, json } = handle(req);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(json));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    denied,
    addEnvironment(env: FakeEnvironment): void {
      environments.push(env);
    },
    addDeployment(deployment: FakeDeployment): void {
      deployments.push({ ...deployment, id: nextId++ });
    },
    reset(): void {
      environments.length = 0;
      deployments.length = 0;
      requests.length = 0;
      denied.clear();
    },
    close: async () => {
      server.close();
      await once(server, 'close');
    },
  };
}

export type FakeDeploymentsApi = Awaited<ReturnType<typeof fakeDeploymentsApi>>;

/**
 * The fake for a whole test file: started before its tests (GITHUB_API_URL pointed at it; @actions/github reads it once,
 * when the command first loads it), emptied before each test, stopped after. Read `.api` inside tests.
 */
export function useFakeDeploymentsApi(owner: string, repo: string): { readonly api: FakeDeploymentsApi } {
  const holder = {} as { api: FakeDeploymentsApi };
  beforeAll(async () => {
    holder.api = await fakeDeploymentsApi(owner, repo);
    process.env.GITHUB_API_URL = holder.api.baseUrl;
  });
  afterAll(async () => {
    delete process.env.GITHUB_API_URL;
    await holder.api.close();
  });
  beforeEach(() => holder.api.reset());
  return holder;
}
