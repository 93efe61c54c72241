import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { overlaps, parseIpv4Cidr, type Ipv4Block } from './cidr';
import { environmentSchema, type EnvironmentDefinition } from './environmentSchema';
import { COPY_PREFIX, reservedSuffixProblem, type CopyRecord } from './ephemeralCopy';
import { EnvironmentError, FlagError } from './errors';
import { validatedJsonFile } from './validatedJsonFile';

export const ENVIRONMENT_FILE = 'environment.json';
const ENVIRONMENT_NAME = /^[a-z][a-z0-9-]{0,30}$/;

/** A validated environment: its definition plus where it came from. */
export interface Environment extends EnvironmentDefinition {
  /** The folder name under `environments/`. */
  readonly name: string;
  /** The definition file, relative to the working directory, for messages (a copy's: its template's). */
  readonly file: string;
  /** Set on an on-demand copy of a template (ephemeralCopy.ts); its name is then its suffix. */
  readonly copy?: CopyRecord;
}

/**
 * Reads and validates every `environments/<name>/environment.json`, then checks what spans environments
 * (suffixes and VPC blocks are unique). Throws one EnvironmentError listing every problem found.
 */
export function loadEnvironments(directory: string): Environment[] {
  if (!existsSync(directory)) {
    throw new EnvironmentError([`${directory}: folder not found; run from the repository root or pass --environments <dir>`]);
  }
  const problems: string[] = [];
  const environments: Environment[] = [];
  const folders = readdirSync(directory, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();

  for (const name of folders) {
    const file = path.join(path.relative(process.cwd(), directory) || '.', name, ENVIRONMENT_FILE);
    if (!ENVIRONMENT_NAME.test(name)) {
      problems.push(`${path.dirname(file)}: folder name "${name}" must be lowercase letters, digits and hyphens, starting with a letter (at most 31)`);
      continue;
    }
    // copies are named for their suffix (stacks <suffix>-<region>) and keep their state under analytics/ephemeral/
    if (name.startsWith(COPY_PREFIX) || name === 'ephemeral') {
      problems.push(`${path.dirname(file)}: folder name "${name}" is reserved for on-demand copies (their stacks and state); rename the folder`);
      continue;
    }
    if (!existsSync(file)) {
      problems.push(`${path.dirname(file)}: no ${ENVIRONMENT_FILE}; each environment folder holds one (copy environments/dev/${ENVIRONMENT_FILE})`);
      continue;
    }
    const result = validatedJsonFile(file, environmentSchema);
    if (!result.ok) problems.push(...result.problems);
    else {
      const reserved = reservedSuffixProblem(result.data.suffix);
      if (reserved) problems.push(`${file}: suffix: ${reserved}`);
      else environments.push({ ...result.data, name, file });
    }
  }
  if (folders.length === 0) problems.push(`${directory}: no environment folders; add one such as ${directory}/dev/${ENVIRONMENT_FILE}`);

  problems.push(...crossEnvironmentProblems(environments));
  if (problems.length > 0) throw new EnvironmentError(problems);
  return environments;
}

function crossEnvironmentProblems(environments: readonly Environment[]): string[] {
  const problems = duplicateSuffixProblems(environments);
  const blocks: { env: Environment; index: number; block: Ipv4Block }[] = [];
  for (const env of environments) {
    env.regions.forEach((region, index) => {
      const block = parseIpv4Cidr(region.cidr) as Ipv4Block; // validated by the schema
      for (const other of blocks.filter((b) => b.env !== env && overlaps(b.block, block))) {
        problems.push(
          `${env.file}: regions[${index}].cidr: "${region.cidr}" overlaps ${other.env.file} regions[${other.index}].cidr "${other.block.cidr}"; VPC blocks are unique across environments so they can be peered`,
        );
      }
      blocks.push({ env, index, block });
    });
  }
  problems.push(...deployOrderProblems(environments));
  return problems;
}

/**
 * Environments sharing a suffix, each file named alike: which of them was just edited is not known here, and the
 * folder order would blame whichever sorts last.
 */
function duplicateSuffixProblems(environments: readonly Environment[]): string[] {
  const bySuffix = new Map<string, Environment[]>();
  for (const env of environments) bySuffix.set(env.suffix, [...(bySuffix.get(env.suffix) ?? []), env]);
  return [...bySuffix]
    .filter(([, sharing]) => sharing.length > 1)
    .map(([suffix, sharing]) => {
      const files = sharing.map((env) => env.file).join(', ');
      return `${files}: suffix: "${suffix}" is used by ${sharing.length === 2 ? 'both' : `all ${sharing.length}`}; give each environment its own (resource names are built from it and must be unique)`;
    });
}

/**
 * `deployAfter` chains the environments that merge to main deploys (ephemeral ones are deployed by hand), so it must
 * name another such environment and never loop back.
 */
function deployOrderProblems(environments: readonly Environment[]): string[] {
  const byName = new Map(environments.map((env) => [env.name, env]));
  const problems: string[] = [];
  for (const env of environments) {
    if (env.deployAfter === undefined) continue;
    const where = `${env.file}: deployAfter: "${env.deployAfter}"`;
    const previous = byName.get(env.deployAfter);
    const deployable = environments.filter((e) => !e.ephemeral && e !== env).map((e) => e.name);
    if (env.ephemeral) problems.push(`${where}: an ephemeral environment is deployed from the Actions tab, not on merge; remove deployAfter`);
    else if (!previous || previous.ephemeral || previous === env) {
      problems.push(`${where}: must name another non-ephemeral environment (${deployable.join(', ') || 'none defined'})`);
    } else {
      const seen = new Set([env.name]);
      for (let next: Environment | undefined = previous; next; next = next.deployAfter === undefined ? undefined : byName.get(next.deployAfter)) {
        if (seen.has(next.name)) {
          problems.push(`${where}: the deploy order loops (${[...seen, next.name].join(' -> ')}); one environment must come first`);
          break;
        }
        seen.add(next.name);
      }
    }
  }
  return problems;
}

/** Picks the environments named on the command line; all of them when none are named. */
export function selectEnvironments(all: readonly Environment[], names: readonly string[]): Environment[] {
  const unknown = names.filter((name) => !all.some((env) => env.name === name));
  if (unknown.length > 0) {
    throw new FlagError(`--env ${unknown.join(', ')}: no such environment; defined: ${all.map((e) => e.name).join(', ')}`);
  }
  return names.length === 0 ? [...all] : all.filter((env) => names.includes(env.name));
}
