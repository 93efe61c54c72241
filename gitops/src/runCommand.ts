import { EnvironmentError } from '../../infra/src/config/errors';
import { EtlArtifactError } from '../../infra/src/config/etlArtifact';
import { TerraformError } from '../../infra/src/terraform/terraformCli';
import { reportError, writeSummary } from './actionsIo';
import { COMMANDS } from './commands';
import { GitopsError } from './errors';

/** Errors whose message is the whole story; anything else is a bug and keeps its stack trace. */
const EXPECTED = [GitopsError, EnvironmentError, EtlArtifactError, TerraformError];

/**
 * `npm run gitops -- <command> …`: runs it; a failure is an `::error::` annotation, a section in the job summary
 * (where people look first) and exit code 1.
 */
export async function runCommand(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  const command = name !== undefined && Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    const usage = Object.values(COMMANDS).map((c) => `  ${c.usage}`).join('\n');
    reportError(`unknown command "${name ?? ''}"; commands:\n${usage}`);
    return 2;
  }
  try {
    await command.run(rest);
    return 0;
  } catch (error) {
    const expected = EXPECTED.some((kind) => error instanceof kind);
    const message = error instanceof Error ? (expected ? error.message : (error.stack ?? error.message)) : String(error);
    reportError(message);
    // outside Actions the error line above is the whole report
    if (process.env.GITHUB_STEP_SUMMARY) writeSummary(`### :x: \`gitops ${name}\` failed\n\n\`\`\`\n${message}\n\`\`\`\n`);
    return 1;
  }
}
