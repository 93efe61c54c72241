import { EnvironmentError } from '../../infra/src/config/errors';
import { type CommandDeps, type CommandResult, defaultDeps, jobsCommand, redriveCommand } from './commands';
import { OpsError, UsageError } from './errors';
import { JOBS_USAGE, REDRIVE_USAGE, type Usage } from './usage';

interface Command {
  readonly run: (argv: readonly string[], deps: CommandDeps) => Promise<CommandResult>;
  readonly usage: Usage;
}

export const COMMANDS = {
  jobs: { run: jobsCommand, usage: JOBS_USAGE },
  'dlq-redrive': { run: redriveCommand, usage: REDRIVE_USAGE },
} satisfies Record<string, Command>;

export interface MainResult extends CommandResult {
  readonly stderr: string;
}

/**
 * Runs `<command> <args…>` and turns every error into one line and an exit code: 2 for a usage error (followed by
 * the synopsis), 1 for anything else. Known errors print their message only; unexpected ones (AWS errors included)
 * their name too. Never a stack trace: these are for operators, and each message names what to change.
 */
export async function main(argv: readonly string[], deps: CommandDeps = defaultDeps): Promise<MainResult> {
  const [name, ...rest] = argv;
  const command: Command | undefined = name !== undefined && Object.hasOwn(COMMANDS, name) ? COMMANDS[name as keyof typeof COMMANDS] : undefined;
  if (command === undefined) {
    return { stdout: '', stderr: `error: unknown command "${name ?? ''}"; expected one of: ${Object.keys(COMMANDS).join(', ')}\n`, exitCode: 2 };
  }
  try {
    return { ...(await command.run(rest, deps)), stderr: '' };
  } catch (error) {
    if (error instanceof UsageError) {
      const { synopsis, helpCommand } = command.usage;
      return { stdout: '', stderr: `error: ${oneLine(error.message)}\n\n${synopsis}Every flag: ${helpCommand}\n`, exitCode: 2 };
    }
    // An environment definition's problems are one per line, by design.
    if (error instanceof EnvironmentError) return { stdout: '', stderr: `error: ${error.message}\n`, exitCode: 1 };
    if (error instanceof OpsError) return { stdout: '', stderr: `error: ${oneLine(error.message)}\n`, exitCode: 1 };
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return { stdout: '', stderr: `error: ${oneLine(message)}\n`, exitCode: 1 };
  }
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
