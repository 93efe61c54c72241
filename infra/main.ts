/**
 * `npm run synth [-- --env prod] [--target localstack|moto]`: synthesizes the CDKTF app by running it with node
 * (the archived cdktf CLI is not needed; `cdktf synth` still works through cdktf.json).
 */
import { parseArgs } from 'node:util';
import { synth } from './src/app';
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
    },
  });
  const target = parseDeployTarget(values.target, process.env);
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
