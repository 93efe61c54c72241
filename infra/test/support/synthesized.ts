import { Testing } from 'cdktf';
import { buildApp, type SynthOptions } from '../../src/app';
import type { Environment } from '../../src/config/loadEnvironments';
import type { RegionalStack } from '../../src/stacks/RegionalStack';
import { testEtlDir } from './testEtl';

/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized Terraform JSON is untyped */
export type Json = Record<string, any>;

/** One synthesized stack with helpers to find resources in its Terraform JSON. */
export class SynthesizedStack {
  readonly json: Json;

  constructor(
    readonly stack: RegionalStack,
    readonly environment: Environment,
    readonly region: string,
  ) {
    this.json = JSON.parse(Testing.synth(stack)) as Json;
  }

  get name(): string {
    return this.stack.node.id;
  }

  /** All resources of a type, keyed by logical id. */
  resources(type: string): Record<string, Json> {
    return (this.json.resource?.[type] ?? {}) as Record<string, Json>;
  }

  /** The only resource of a type matching `where`; fails when there is none or more than one. */
  one(type: string, where: (values: Json) => boolean = () => true): Json & { address: string } {
    const matches = Object.entries(this.resources(type)).filter(([, values]) => where(values));
    if (matches.length !== 1) throw new Error(`${this.name}: expected one ${type}, found ${matches.length}`);
    const [id, values] = matches[0]!;
    return { ...values, address: `${type}.${id}` };
  }

  /** `${type.id.attr}`: how another resource refers to this one in the JSON. */
  static ref(resource: { address: string }, attribute: string): string {
    return `\${${resource.address}.${attribute}}`;
  }

  /** Every resource of every type, as [type, id, values]. */
  all(): [string, string, Json][] {
    return Object.entries(this.json.resource ?? {}).flatMap(([type, byId]) =>
      Object.entries(byId as Record<string, Json>).map(([id, values]) => [type, id, values] as [string, string, Json]),
    );
  }
}

const cache = new Map<string, SynthesizedStack[]>();

/** Synthesizes (once per option set) every stack of the shipped environments, with the test ETL (see testEtlDir). */
export function synthesizeStacks(options: SynthOptions = {}): SynthesizedStack[] {
  const key = JSON.stringify(options);
  if (!cache.has(key)) {
    const { stacks, environments } = buildApp({ etlDir: testEtlDir(options.environmentsDir), ...options });
    cache.set(
      key,
      stacks.map((stack) => {
        const environment = environments.find((env) => stack.node.id.startsWith(`${env.name}-`))!;
        const region = stack.node.id.slice(environment.name.length + 1);
        return new SynthesizedStack(stack, environment, region);
      }),
    );
  }
  return cache.get(key)!;
}

/** Parses a policy document string from the JSON (tokens are already terraform references). */
export function policy(text: string): { Statement: Json[] } {
  return JSON.parse(text) as { Statement: Json[] };
}
