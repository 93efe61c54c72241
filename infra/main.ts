/**
 * `npm run synth [-- --env prod] [--target localstack|moto]`: synthesizes the CDKTF app by running it with node
 * (the archived cdktf CLI is not needed; `cdktf synth` still works through cdktf.json).
 * `npm run synth -- --bootstrap [--bootstrap-state local|s3]`: the per-account bootstrap stacks instead
 * (cdktf.out/stacks/bootstrap-<account>), applied once by an administrator before the workflows can run.
 */
import { parseArgs } from 'node:util';
import { synth, synthBootstrap } from './src/app';
import { EtlArtifactError } from './src/config/etlArtifact';
import { EnvironmentError } from './src/config/errors';
import { parseDeployTarget } from './src/stacks/deployTarget';

function main(): void {
  const { values } = parseArgs({
    options: {
      env: { type: 'string', multiple: true, default: [] },
      target: { type: 'string' },
      environments: { type: 'string', default: 'environments' },
      out: { type: 'string', default: process.env.CDKTF_OUTDIR || 'cdktf.out' },
      bootstrap: { type: 'boolean', default: false },
      'bootstrap-state': { type: 'string', default: 'local' },
    },
  });
  const target = parseDeployTarget(values.target, process.env);
  if (values.bootstrap) {
    // every environment of an account shapes its bootstrap stack, so it is never built from a selection
    if (values.env.length > 0) throw new Error('--bootstrap covers every environment of each account; leave out --env');
    const state = values['bootstrap-state'];
    if (state !== 'local' && state !== 's3') throw new Error(`--bootstrap-state ${state}: use local (first apply) or s3 (after migrating into the state bucket)`);
    const { stacks } = synthBootstrap({ environmentsDir: values.environments, outdir: values.out, target, state });
    console.log(`Synthesized ${stacks.length} bootstrap stack(s) (${target.kind === 'emulator' ? `emulator at ${target.endpoint}, ` : ''}${target.kind === 'aws' ? state : 'local'} state) into ${values.out}/stacks: ${stacks.map((s) => s.node.id).join(', ')}`);
    return;
  }
  const { stacks } = synth({ environments: values.env, environmentsDir: values.environments, outdir: values.out, target });
  const where = target.kind === 'emulator' ? `emulator at ${target.endpoint}, local state` : 'AWS, S3 state';
  console.log(`Synthesized ${stacks.length} stacks (${where}) into ${values.out}/stacks: ${stacks.map((s) => s.node.id).join(', ')}`);
}

try {
  main();
} catch (error) {
  if (error instanceof EnvironmentError || error instanceof EtlArtifactError) {
    console.error(error.message);
  } else {
    console.error(error instanceof Error ? error.stack : error);
  }
  process.exitCode = 1;
}
