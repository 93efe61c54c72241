/** Operator commands: `tsx ops/cli.ts jobs …` (npm run jobs) and `tsx ops/cli.ts dlq-redrive …` (npm run dlq:redrive). */
import { main } from './src/main';

// The SDK warns on every run under Node 20 that its releases from 2027 need Node 22: eight lines before each answer,
// about a dependency bump rather than anything an operator can act on. Set it to false to see it again.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

void main(process.argv.slice(2)).then(({ stdout, stderr, exitCode }) => {
  process.stdout.write(stdout);
  process.stderr.write(stderr);
  process.exitCode = exitCode;
});
