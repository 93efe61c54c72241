import { EnvironmentError, FlagError } from '../../infra/src/config/errors';
import { EtlArtifactError } from '../../infra/src/config/etlArtifact';
import { TerraformError } from '../../infra/src/terraform/terraformCli';
import { reportError, writeSummary } from './actionsIo';
import { COMMANDS } from './commands';
import { GitopsError, UsageError } from './errors';

/** Errors whose message is the whole story; anything else is a bug and keeps its stack trace. */
const EXPECTED = [GitopsError, EnvironmentError, EtlArtifactError, TerraformError, FlagError];

const HELP_FLAGS = ['--help', '-h'];
const COMMAND_LIST = `commands: ${Object.keys(COMMANDS).join(', ')} (npm run gitops -- --help shows their flags)`;

/** Every command with its usage, for `npm run gitops -- --help`. */
export function gitopsHelp(): string {
  // a usage of several lines is indented to follow "usage: "; here each line stands alone
  const usages = Object.values(COMMANDS).flatMap((c) => c.usage.split('\n').map((line) => `  ${line.trimStart()}`));
  return ['usage: npm run gitops -- <command> [flags]   (npm run gitops -- <command> --help: that command alone)', '', 'commands:', ...usages, ''].join('\n');
}

/**
 * `npm run gitops -- <command> …`: runs it; a failure is an `::error::` annotation, a section in the job summary
 * (where people look first) and exit code 1, or 2 when the command line is wrong (the usual convention).
 * `--help`, `-h` or `help` lists the commands; `<command> --help` shows that command's usage.
 */
export async function runCommand(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    reportError(`no command given; ${COMMAND_LIST}`);
    return 2;
  }
  if (name === 'help' || HELP_FLAGS.includes(name)) {
    process.stdout.write(gitopsHelp());
    return 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    reportError(`unknown command "${name}"; ${COMMAND_LIST}`);
    return 2;
  }
  // no flag takes "--help" or "-h" as its value: the strict parser refuses a value starting with a dash
  if (rest.some((arg) => HELP_FLAGS.includes(arg))) {
    process.stdout.write(`usage: ${command.usage}\n`);
    return 0;
  }
  try {
    await command.run(rest);
    return 0;
  } catch (error) {
    const expected = EXPECTED.some((kind) => error instanceof kind);
    let message = error instanceof Error ? (expected ? error.message : (error.stack ?? error.message)) : String(error);
    // a flag value checked outside the command (an unknown --env) gets the usage line a UsageError carries
    if (error instanceof FlagError) message += `\nusage: ${command.usage}`;
    reportError(message);
    // outside Actions the error line above is the whole report
    if (process.env.GITHUB_STEP_SUMMARY) writeSummary(`### :x: \`gitops ${name}\` failed\n\n\`\`\`\n${message}\n\`\`\`\n`);
    return error instanceof UsageError || error instanceof FlagError ? 2 : 1;
  }
}
