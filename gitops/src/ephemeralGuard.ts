import type { Environment } from '../../infra/src/config/loadEnvironments';
import { GitopsError } from './errors';

export type DispatchAction = 'deploy' | 'destroy';

export interface DispatchRequest {
  readonly action: DispatchAction;
  readonly suffix: string;
  /** The suffix typed again; required to destroy. */
  readonly confirm?: string;
}

/**
 * The environment a workflow_dispatch may deploy or destroy: found by its suffix and defined `ephemeral: true`.
 * Anything else is refused with a reason a person can act on. It guards against mistakes; the GitHub environments'
 * branch rules and the deploy roles' trust are what keep prod and staging out of a branch's reach.
 */
export function ephemeralEnvironment(environments: readonly Environment[], request: DispatchRequest): Environment {
  const suffix = request.suffix.trim();
  if (request.action === 'destroy' && request.confirm?.trim() !== suffix) {
    throw new GitopsError(`refused: the confirmation "${request.confirm ?? ''}" does not repeat the suffix "${suffix}"; type the suffix again to destroy it`);
  }
  const environment = environments.find((env) => env.suffix === suffix);
  const ephemeral = environments.filter((env) => env.ephemeral).map((env) => `${env.suffix} (${env.file})`);
  const choices = ephemeral.length > 0 ? `ephemeral suffixes: ${ephemeral.join(', ')}` : 'no environment is ephemeral';
  if (!environment) throw new GitopsError(`refused: no environment has the suffix "${suffix}"; ${choices}`);
  if (!environment.ephemeral) {
    throw new GitopsError(
      `refused: ${environment.file} (suffix "${suffix}") is not ephemeral: true; only ephemeral environments can be ${request.action}ed from the Actions tab (${choices})`,
    );
  }
  return environment;
}
