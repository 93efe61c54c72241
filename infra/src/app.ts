import { App } from 'cdktf';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { bootstrapAccounts, type BootstrapAccount } from './bootstrap/accounts';
import { BootstrapStack, type BootstrapState } from './bootstrap/BootstrapStack';
import { copyEnvironment, type CopyRecord } from './config/ephemeralCopy';
import { resolveEtlArtifact } from './config/etlArtifact';
import { loadGithubConfig } from './config/github';
import { loadEnvironments, selectEnvironments, type Environment } from './config/loadEnvironments';
import { KNOWN_REGIONS } from './config/regions';
import type { DeployTarget } from './stacks/deployTarget';
import { RegionalStack, stackName } from './stacks/RegionalStack';

/** What every synth of the app takes: where the definitions are, where the stacks go, where they will be applied. */
interface AppOptions {
  /** The environment folders (and github.json). @default 'environments' */
  readonly environmentsDir?: string;
  /** @default 'cdktf.out' */
  readonly outdir?: string;
  /** @default { kind: 'aws' } */
  readonly target?: DeployTarget;
}

export interface SynthOptions extends AppOptions {
  /** The ETL package: dist/ holds its local build, dist/releases/<version>/ the fetched releases. @default 'etl' */
  readonly etlDir?: string;
  /** Environments to synthesize. @default all */
  readonly environments?: readonly string[];
  /** Synthesize only this on-demand copy of a template (ephemeralCopy.ts) instead of environment folders. */
  readonly copy?: CopyRecord;
}

export interface BuiltApp {
  readonly app: App;
  readonly environments: readonly Environment[];
  readonly stacks: readonly RegionalStack[];
}

/**
 * Validates every environment and resolves every ETL artifact, then builds one stack per environment × region.
 * Anything wrong throws before an App exists, so a bad definition never writes to the output directory.
 */
export function buildApp(options: SynthOptions = {}): BuiltApp {
  const etlDir = options.etlDir ?? 'etl';
  const all = loadEnvironments(options.environmentsDir ?? 'environments');
  const environments = options.copy ? [copyEnvironment(all, options.copy)] : selectEnvironments(all, options.environments ?? []);
  const plans = environments.map((environment) => {
    const { version } = environment.etl;
    const artifact = resolveEtlArtifact(etlDir, version === undefined ? undefined : { version, file: environment.file });
    return { environment, artifact };
  });

  const app = new App({ outdir: options.outdir ?? 'cdktf.out' });
  const target = options.target ?? { kind: 'aws' };
  const stacks = plans.flatMap(({ environment, artifact }) =>
    environment.regions.map((region) => new RegionalStack(app, { environment, region: region.name as (typeof KNOWN_REGIONS)[number], artifact, target })),
  );
  return { app, environments, stacks };
}

/** Synthesizes into `outdir`, first removing the stacks it is about to rewrite (so a removed region leaves nothing stale). */
export function synth(options: SynthOptions = {}): BuiltApp {
  const built = buildApp(options);
  const outdir = options.outdir ?? 'cdktf.out';
  for (const env of built.environments) {
    for (const region of KNOWN_REGIONS) rmSync(path.join(outdir, 'stacks', stackName(env.name, region)), { recursive: true, force: true });
  }
  built.app.synth();
  return built;
}

export interface BootstrapOptions extends AppOptions {
  /** Where the bootstrap stacks keep their own state. @default 'local' */
  readonly state?: BootstrapState;
}

export interface BuiltBootstrap {
  readonly app: App;
  readonly accounts: readonly BootstrapAccount[];
  readonly stacks: readonly BootstrapStack[];
}

/**
 * One bootstrap stack per AWS account of the environments (all of them: a stack built from some would delete the
 * others' deploy roles). Validates environments and github.json before an App exists, like buildApp.
 */
export function buildBootstrapApp(options: BootstrapOptions = {}): BuiltBootstrap {
  const environmentsDir = options.environmentsDir ?? 'environments';
  const accounts = bootstrapAccounts(loadEnvironments(environmentsDir));
  const github = loadGithubConfig(environmentsDir);
  const app = new App({ outdir: options.outdir ?? 'cdktf.out' });
  const target = options.target ?? { kind: 'aws' };
  const stacks = accounts.map((account) => new BootstrapStack(app, { account, github, target, state: options.state }));
  return { app, accounts, stacks };
}

/** Synthesizes the bootstrap stacks. Their directories are not cleared first: a local terraform.tfstate there survives. */
export function synthBootstrap(options: BootstrapOptions = {}): BuiltBootstrap {
  const built = buildBootstrapApp(options);
  built.app.synth();
  return built;
}
