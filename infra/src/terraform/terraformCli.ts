/**
 * A thin runner for the terraform CLI (tests, integration suite, workflow scripts).
 * Runs `terraform` without a shell, non-interactively, and turns the failures people hit most
 * (no terraform installed, no provider reachable) into messages that say what to do.
 *
 * Provider source: `TF_PROVIDER_MIRROR` names a directory in the registry layout
 * (`<mirror>/registry.terraform.io/hashicorp/aws/<version>/<os_arch>/`); init then uses
 * `-plugin-dir=<mirror>`, which links the provider instead of copying it into every working directory.
 * Unset, init downloads from the registry as usual. `TF_PLUGIN_CACHE_DIR` and `TF_CLI_CONFIG_FILE` are passed
 * through untouched when the caller sets them; this module never invents either.
 */
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';

const MIN_TERRAFORM_VERSION = '1.5';

export interface TerraformResult {
  /** Exit code; terraform killed by a signal is reported as an error instead. */
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  /** Environment of the terraform process (its PATH also locates the binary). @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

export interface InitOptions extends RunOptions {
  /** A filesystem mirror in the registry layout. @default env.TF_PROVIDER_MIRROR; unset → registry download */
  readonly pluginDir?: string;
}

export interface PlanOptions extends RunOptions {
  /** Saves the plan to this file (relative to the working directory), e.g. for `showJson` or a later apply. */
  readonly out?: string;
  /** Exit code 2 when the plan has changes, instead of 0. */
  readonly detailedExitcode?: boolean;
  /** `false` plans without taking the state lock (a read-only plan role cannot write the lock). @default true */
  readonly lock?: boolean;
  /** Plans the destruction of everything in the state (`-destroy`). */
  readonly destroy?: boolean;
}

export interface PlanResult extends TerraformResult {
  /** 0: success, no changes; 1: error; 2: success with changes (only with `detailedExitcode`). */
  readonly code: 0 | 1 | 2;
}

/** A terraform command that failed; `result` holds its full output when it ran at all. */
export class TerraformError extends Error {
  constructor(
    message: string,
    readonly result?: TerraformResult,
  ) {
    super(message);
    this.name = 'TerraformError';
  }
}

/** Runs `terraform <args>` in `dir` and returns its exit code and output; a non-zero exit is not an error here. */
export function run(dir: string, args: readonly string[], options: RunOptions = {}): Promise<TerraformResult> {
  // spawn reports a missing cwd as ENOENT too, which would read as "terraform not installed"
  if (!isDirectory(dir)) return Promise.reject(new TerraformError(`terraform ${args.join(' ')}: working directory ${dir} does not exist`));
  const given = options.env ?? process.env;
  // terraform and the provider it starts are Go programs whose start (the provider's ~1,500 resource schemas) is mostly
  // garbage collection at Go's default GOGC=100; at 400 a plan takes ~25% less CPU for ~150 MB more. A GOGC set wins.
  const env = { ...given, GOGC: given.GOGC ?? '400', TF_IN_AUTOMATION: '1' };
  return new Promise((resolve, reject) => {
    const child = spawn('terraform', args, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (error: NodeJS.ErrnoException) => {
      const install = `install Terraform >= ${MIN_TERRAFORM_VERSION} (https://developer.hashicorp.com/terraform/install)`;
      reject(error.code === 'ENOENT' ? new TerraformError(`terraform was not found on PATH: ${install}`) : error);
    });
    child.on('close', (code, signal) => {
      const result = { code: code ?? -1, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') };
      if (code === null) reject(new TerraformError(`terraform ${args.join(' ')} in ${dir} was killed by ${signal}`, result));
      else resolve(result);
    });
  });
}

/** `terraform init`, from the mirror when one is given, else from the registry; throws with a hint on failure. */
export async function init(dir: string, options: InitOptions = {}): Promise<TerraformResult> {
  // an empty variable counts as unset, as it does for terraform's own TF_* variables
  const mirror = (options.pluginDir ?? (options.env ?? process.env).TF_PROVIDER_MIRROR) || undefined;
  if (mirror && !isDirectory(mirror)) {
    throw new TerraformError(`TF_PROVIDER_MIRROR=${mirror} is not a directory; point it at the parent of registry.terraform.io`);
  }
  const result = await run(dir, ['init', '-input=false', '-no-color', ...(mirror ? [`-plugin-dir=${mirror}`] : [])], options);
  if (result.code === 0) return result;
  const hint = mirror
    ? `Providers come only from the filesystem mirror ${mirror} (TF_PROVIDER_MIRROR): it needs ` +
      `${mirror}/registry.terraform.io/<namespace>/<type>/<version>/<os>_<arch>/ for every provider and version the configuration requires.`
    : 'Providers are downloaded from the registry. On machines without registry access, set TF_PROVIDER_MIRROR to a filesystem ' +
      'mirror in the registry layout, i.e. the parent directory of registry.terraform.io (e.g. TF_PROVIDER_MIRROR=/opt/tf-plugins).';
  throw new TerraformError(`terraform init failed in ${dir}.\n${hint}\n${result.stderr.trim()}`, result);
}

/** `terraform validate`; throws with terraform's diagnostics when the configuration is invalid. */
export async function validate(dir: string, options: RunOptions = {}): Promise<TerraformResult> {
  const result = await run(dir, ['validate', '-no-color'], options);
  if (result.code !== 0) throw new TerraformError(`terraform validate failed in ${dir}:\n${result.stderr.trim()}`, result);
  return result;
}

/** `terraform plan`; returns exit code 0, 1 or 2 as terraform gave it, so callers decide what an error means to them. */
export async function plan(dir: string, options: PlanOptions = {}): Promise<PlanResult> {
  const args = ['plan', '-input=false', '-no-color'];
  if (options.out) args.push(`-out=${options.out}`);
  if (options.detailedExitcode) args.push('-detailed-exitcode');
  if (options.lock === false) args.push('-lock=false');
  if (options.destroy) args.push('-destroy');
  const result = await run(dir, args, options);
  const { code } = result;
  if (code === 0 || code === 1 || (code === 2 && options.detailedExitcode)) return { ...result, code };
  throw new TerraformError(`terraform plan in ${dir} exited with unexpected code ${code}:\n${result.stderr.trim()}`, result);
}

/** The parts of terraform's JSON plan representation (format 1.x) that callers here read. */
export interface PlanJson {
  readonly format_version: string;
  readonly terraform_version: string;
  readonly resource_changes?: readonly ResourceChange[];
  readonly output_changes?: Readonly<Record<string, Change>>;
  readonly configuration?: unknown;
}

export type ChangeAction = 'no-op' | 'create' | 'read' | 'update' | 'delete' | 'forget';

export interface Change {
  /** A replace is `['delete', 'create']` or `['create', 'delete']`. */
  readonly actions: readonly ChangeAction[];
  readonly before: unknown;
  /** Values known at plan time; unknown ones are left out here and marked in `after_unknown`. */
  readonly after?: unknown;
  readonly after_unknown?: unknown;
}

export interface ResourceChange {
  readonly address: string;
  readonly mode: 'managed' | 'data';
  readonly type: string;
  readonly name: string;
  readonly provider_name: string;
  readonly change: Change;
}

/** `terraform show -json <planFile>`, parsed. */
export async function showJson(dir: string, planFile: string, options: RunOptions = {}): Promise<PlanJson> {
  const result = await run(dir, ['show', '-json', '-no-color', planFile], options);
  if (result.code !== 0) throw new TerraformError(`terraform show -json ${planFile} failed in ${dir}:\n${result.stderr.trim()}`, result);
  return JSON.parse(result.stdout) as PlanJson;
}

/**
 * The plan as people read it, from the stdout of a successful `terraform plan` (with `TF_IN_AUTOMATION`, as `run`
 * sets): a progress line per resource refreshed or read, then from a blank line on the same text `terraform show
 * <planFile>` prints (sensitive values redacted), then any warnings, which show leaves out. Showing a saved plan
 * starts the provider again (~2.5 CPU s), so plans are read as they are made.
 */
export function planText(stdout: string): string {
  return stdout.replace(/^(?:.+\n)*/, '');
}

/** `terraform apply -auto-approve` (of `planFile` when given); throws with terraform's diagnostics on failure. */
export async function apply(dir: string, options: RunOptions & { readonly planFile?: string } = {}): Promise<TerraformResult> {
  const args = ['apply', '-input=false', '-no-color', ...(options.planFile ? [options.planFile] : ['-auto-approve'])];
  return checked(dir, args, await run(dir, args, options));
}

/**
 * `terraform destroy -auto-approve`; throws with terraform's diagnostics on failure. `lockTimeout` (e.g. `30m`) waits
 * that long for a state lock another run holds, instead of failing at once.
 */
export async function destroy(dir: string, options: RunOptions & { readonly lockTimeout?: string } = {}): Promise<TerraformResult> {
  const args = ['destroy', '-input=false', '-no-color', '-auto-approve', ...(options.lockTimeout ? [`-lock-timeout=${options.lockTimeout}`] : [])];
  return checked(dir, args, await run(dir, args, options));
}

/** `terraform output -json`: each output's value by name. */
export async function outputs(dir: string, options: RunOptions = {}): Promise<Record<string, unknown>> {
  const args = ['output', '-json', '-no-color'];
  const result = checked(dir, args, await run(dir, args, options));
  const parsed = JSON.parse(result.stdout) as Record<string, { value: unknown }>;
  return Object.fromEntries(Object.entries(parsed).map(([name, output]) => [name, output.value]));
}

function checked(dir: string, args: readonly string[], result: TerraformResult): TerraformResult {
  if (result.code !== 0) throw new TerraformError(`terraform ${args[0]} failed in ${dir}:\n${result.stderr.trim()}`, result);
  return result;
}

function isDirectory(dir: string): boolean {
  return statSync(dir, { throwIfNoEntry: false })?.isDirectory() ?? false;
}
