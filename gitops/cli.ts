/** The scripts the workflows call: `npm run gitops -- <command> [flags]` (commands: gitops/src/commands.ts). */
import { runCommand } from './src/runCommand';

void runCommand(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
