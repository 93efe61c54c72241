/** Operator commands: `tsx ops/cli.ts jobs …` (npm run jobs) and `tsx ops/cli.ts dlq-redrive …` (npm run dlq:redrive). */
import { main } from './src/main';

void main(process.argv.slice(2)).then(({ stdout, stderr, exitCode }) => {
  process.stdout.write(stdout);
  process.stderr.write(stderr);
  process.exitCode = exitCode;
});
