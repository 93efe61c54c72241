import { COPY_PREFIX, isCopySuffix } from '../../infra/src/config/ephemeralCopy';
import type { Environment } from '../../infra/src/config/loadEnvironments';
import { templateFor } from './copyRequest';
import { GitopsError } from './errors';

export type DispatchAction = 'deploy' | 'destroy';

export interface DispatchRequest {
  readonly action: DispatchAction;
  readonly suffix: string;
  /** The suffix typed again; required to destroy. */
  readonly confirm?: string;
}

/** A destroy needs the suffix typed twice (the destroy workflow, and the reaper's --suffix). */
export function checkConfirmation(suffix: string, confirm: string | undefined): void {
  if (confirm?.trim() !== suffix) {
    throw new GitopsError(`refused: the confirmation "${confirm ?? ''}" does not repeat the suffix "${suffix}"; type the suffix again to destroy it`);
  }
}

/**
 * The environment a workflow_dispatch may deploy or destroy: found by its suffix and defined `ephemeral: true`.
 * Anything else is refused with a reason a person can act on. It guards against mistakes; the GitHub environments'
 * branch rules and the deploy roles' trust are what keep prod and staging out of a branch's reach.
 */
export function ephemeralEnvironment(environments: readonly Environment[], request: DispatchRequest): Environment {
  const suffix = request.suffix.trim();
  if (request.action === 'destroy') checkConfirmation(suffix, request.confirm);
  const environment = environments.find((env) => env.suffix === suffix);
  const ephemeral = environments.filter((env) => env.ephemeral).map((env) => `${env.suffix} (${env.file})`);
  const choices = ephemeral.length > 0 ? `ephemeral suffixes: ${ephemeral.join(', ')}` : 'no environment is ephemeral';
  if (!environment && isCopySuffix(suffix)) {
    throw new GitopsError(`refused: "${suffix}" is an on-demand copy's suffix (prefix "${COPY_PREFIX}"), not an environment folder's: npm run gitops -- copy deploys it`);
  }
  if (!environment) throw new GitopsError(`refused: no environment has the suffix "${suffix}"; ${choices}`);
  if (!environment.ephemeral) {
    throw new GitopsError(
      `refused: ${environment.file} (suffix "${suffix}") is not ephemeral: true; only ephemeral environments can be ${request.action}ed from the Actions tab (${choices})`,
    );
  }
  return environment;
}

/**
 * The template whose copies' role destroys the copy `request.suffix` (an `eph-` suffix, typed twice): `template`, or
 * the only ephemeral environment. Whether that copy exists and was made from a template is for the reaper to check
 * against its record in the state bucket.
 */
export function copyTemplateToDestroy(environments: readonly Environment[], request: DispatchRequest, template: string | undefined): Environment {
  const suffix = request.suffix.trim();
  if (request.action === 'destroy') checkConfirmation(suffix, request.confirm);
  if (!isCopySuffix(suffix)) throw new GitopsError(`refused: "${suffix}" is not an on-demand copy's suffix (prefix "${COPY_PREFIX}")`);
  return templateFor(environments, template);
}

/** The one way past the integration gate is on the record of the run: this goes into the guard's summary. */
export function integrationNote(skipped: boolean): string {
  return skipped ? '\n> [!WARNING]\n> The integration suite was **skipped** on request (input `skip-integration`): this commit deploys untested end to end.\n' : '';
}
