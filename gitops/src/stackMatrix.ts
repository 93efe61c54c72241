import { z } from 'zod';
import type { Environment } from '../../infra/src/config/loadEnvironments';
import { stackName } from '../../infra/src/stacks/stackNames';
import { parseJsonFlag } from './jsonFlag';

/** One environment × region: everything a matrix job needs to plan, deploy or destroy its stack. */
export interface StackEntry {
  readonly environment: string;
  readonly region: string;
  readonly stack: string;
  readonly ephemeral: boolean;
  readonly planRole: string;
  readonly deployRole: string;
}

/** The stacks of `environments`, in definition order, as the app synthesizes them. */
export function stackEntries(environments: readonly Environment[]): StackEntry[] {
  return environments.flatMap((env) =>
    env.regions.map(({ name: region }) => {
      const stack = stackName(env.name, region);
      return {
        environment: env.name,
        region,
        stack,
        ephemeral: env.ephemeral,
        planRole: env.roles.plan,
        deployRole: env.roles.deploy,
      };
    }),
  );
}

/** `strategy.matrix` for `fromJSON()`: one job per entry. */
export function matrixJson(entries: readonly StackEntry[]): string {
  return JSON.stringify({ include: entries });
}

const matrixSchema = z.object({
  include: z.array(z.object({ environment: z.string(), region: z.string(), stack: z.string(), ephemeral: z.boolean(), planRole: z.string(), deployRole: z.string() })),
});

/** A matrix handed from one job to the next (`--matrix` flags): the entries of {@link matrixJson}, checked. */
export function parseMatrix(json: string, flag: string): StackEntry[] {
  return parseJsonFlag(json, flag, matrixSchema, 'the matrix of npm run gitops -- matrix').include;
}
