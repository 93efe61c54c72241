/**
 * `npm run synth [-- --env prod] [--target localstack|moto]`: synthesizes the CDKTF app by running it with node
 * (the archived cdktf CLI is not needed; `cdktf synth` still works through cdktf.json).
 * `npm run synth -- --bootstrap [--bootstrap-state local|s3]`: the per-account bootstrap stacks instead
 * (cdktf.out/stacks/bootstrap-<account>), applied once by an administrator before the workflows can run.
 * Exit codes: 0 synthesized (or --help), 1 a definition or ETL artifact is wrong, 2 a flag is wrong.
 */
import { synth, synthBootstrap } from './src/app';
import { EtlArtifactError } from './src/config/etlArtifact';
import { EnvironmentError, FlagError } from './src/config/errors';
import { parseSynthArgs, SYNTH_HELP, SYNTH_USAGE } from './src/synthArgs';

function main(): void {
  const args = parseSynthArgs(process.argv.slice(2), process.env);
  if (args.kind === 'help') {
    process.stdout.write(SYNTH_HELP);
    return;
  }
  if (args.assumption) console.error(`note: ${args.assumption}`);
  const { environmentsDir, outdir, target } = args;
  if (args.kind === 'bootstrap') {
    const { stacks } = synthBootstrap({ environmentsDir, outdir, target, state: args.state });
    console.log(`Synthesized ${stacks.length} bootstrap stack(s) (${target.kind === 'emulator' ? `emulator at ${target.endpoint}, ` : ''}${target.kind === 'aws' ? args.state : 'local'} state) into ${outdir}/stacks: ${stacks.map((s) => s.node.id).join(', ')}`);
    return;
  }
  const { stacks } = synth({ environments: args.environments, copy: args.copy, environmentsDir, outdir, target });
  const where = target.kind === 'emulator' ? `emulator at ${target.endpoint}, local state` : 'AWS, S3 state';
  console.log(`Synthesized ${stacks.length} stacks (${where}) into ${outdir}/stacks: ${stacks.map((s) => s.node.id).join(', ')}`);
}

try {
  main();
} catch (error) {
  if (error instanceof FlagError) {
    console.error(`error: ${error.message}\n${SYNTH_USAGE}`);
    process.exitCode = 2;
  } else if (error instanceof EnvironmentError || error instanceof EtlArtifactError) {
    console.error(error.message);
    process.exitCode = 1;
  } else {
    // anything else is a bug: keep its stack trace
    console.error(error instanceof Error ? error.stack : error);
    process.exitCode = 1;
  }
}
