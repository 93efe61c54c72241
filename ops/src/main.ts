import { EnvironmentError } from '../../infra/src/config/errors';
import { type CommandDeps, type CommandResult, defaultDeps, jobsCommand, redriveCommand } from './commands';
import { OpsError, UsageError } from './errors';

export const COMMANDS = {
  jobs: jobsCommand,
  'dlq-redrive': redriveCommand,
} satisfies Record<string, (argv: readonly string[], deps: CommandDeps) => Promise<CommandResult>>;

export interface MainResult extends CommandResult {
  readonly stderr: string;
}

/**
 * Runs `<command> <args…>` and turns every error into a message and an exit code: 2 for a usage error, 1 for
 * anything else. Known errors print their message only; unexpected ones (AWS errors included) their name too.
 */
export async function main(argv: readonly string[], deps: CommandDeps = defaultDeps): Promise<MainResult> {
  const [name, ...rest] = argv;
  const command = name !== undefined && Object.hasOwn(COMMANDS, name) ? COMMANDS[name as keyof typeof COMMANDS] : undefined;
  if (command === undefined) {
    return { stdout: '', stderr: `error: unknown command "${name ?? ''}"; expected one of: ${Object.keys(COMMANDS).join(', ')}\n`, exitCode: 2 };
  }
  try {
    return { ...(await command(rest, deps)), stderr: '' };
  } catch (error) {
    if (error instanceof UsageError) return { stdout: '', stderr: `error: ${error.message}\n`, exitCode: 2 };
    if (error instanceof OpsError || error instanceof EnvironmentError) return { stdout: '', stderr: `error: ${error.message}\n`, exitCode: 1 };
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return { stdout: '', stderr: `error: ${message}\n`, exitCode: 1 };
  }
}
