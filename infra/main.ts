/**
 * `npm run synth [-- --env prod] [--target localstack|moto]`: synthesizes the CDKTF app by running it with node
 * (the archived cdktf CLI is not needed; `cdktf synth` still works through cdktf.json).
 * `npm run synth -- --bootstrap [--bootstrap-state local|s3]`: the per-account bootstrap stacks instead
 * (cdktf.out/stacks/bootstrap-<account>), applied once by an administrator before the workflows can run.
 * Exit codes: 0 synthesized (or --help), 1 a definition or ETL artifact is wrong, 2 a flag is wrong.
 */
import { format } from 'node:util';
import { synth, synthBootstrap } from './src/app';
import { EtlArtifactError } from './src/config/etlArtifact';
import { EnvironmentError, FlagError } from './src/config/errors';
import { parseSynthArgs, SYNTH_HELP, SYNTH_USAGE } from './src/synthArgs';

/** Where a run writes: the process's streams from the command line, strings in tests that run it in-process. */
export interface SynthOutput {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

function synthesize(argv: readonly string[], env: NodeJS.ProcessEnv, out: SynthOutput): void {
  const args = parseSynthArgs(argv, env);
  if (args.kind === 'help') {
    out.stdout(SYNTH_HELP);
    return;
  }
  if (args.assumption) out.stderr(`note: ${args.assumption}\n`);
  const { environmentsDir, outdir, target } = args;
  if (args.kind === 'bootstrap') {
    const { stacks } = synthBootstrap({ environmentsDir, outdir, target, state: args.state });
    out.stdout(`Synthesized ${stacks.length} bootstrap stack(s) (${target.kind === 'emulator' ? `emulator at ${target.endpoint}, ` : ''}${target.kind === 'aws' ? args.state : 'local'} state) into ${outdir}/stacks: ${stacks.map((s) => s.node.id).join(', ')}\n`);
    return;
  }
  const { stacks } = synth({ environments: args.environments, copy: args.copy, environmentsDir, outdir, target });
  const where = target.kind === 'emulator' ? `emulator at ${target.endpoint}, local state` : 'AWS, S3 state';
  out.stdout(`Synthesized ${stacks.length} stacks (${where}) into ${outdir}/stacks: ${stacks.map((s) => s.node.id).join(', ')}\n`);
}

/** `npm run synth -- <argv>`: its exit code; a mistake is one message on stderr, a bug its stack trace. */
export function synthMain(argv: readonly string[], env: NodeJS.ProcessEnv, out: SynthOutput): number {
  try {
    synthesize(argv, env, out);
    return 0;
  } catch (error) {
    if (error instanceof FlagError) {
      out.stderr(`error: ${error.message}\n${SYNTH_USAGE}\n`);
      return 2;
    }
    if (error instanceof EnvironmentError || error instanceof EtlArtifactError) {
      out.stderr(`${error.message}\n`);
      return 1;
    }
    // anything else is a bug: keep its stack trace
    out.stderr(`${format(error instanceof Error ? error.stack : error)}\n`);
    return 1;
  }
}

// jest and other modules import this file for synthMain; only `tsx infra/main.ts` runs it
if (require.main === module) {
  process.exitCode = synthMain(process.argv.slice(2), process.env, { stdout: (text) => process.stdout.write(text), stderr: (text) => process.stderr.write(text) });
}
