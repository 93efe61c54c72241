/**
 * LocalStack started by a workflow step with the docker CLI, not as a job's service container: the runner fails a job
 * at "Initialize containers" when a service's health cannot be read (`--no-healthcheck` leaves no State.Health), and a
 * step can read the LOCALSTACK_AUTH_TOKEN secret, which a service's `image:` cannot.
 */
import { execFile } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { LOCALSTACK_CURRENT_IMAGE, LOCALSTACK_FREE_IMAGE, probeLocalstack, type Probe } from './localstack';

const exec = promisify(execFile);

/** The container's name, so later steps (and a re-run of this one) find it. */
export const CONTAINER_NAME = 'localstack';
/** LocalStack exits with this code when its image needs LOCALSTACK_AUTH_TOKEN and has none. */
const NEEDS_AUTH_TOKEN_EXIT = 55;

export interface StartOptions {
  /** Where the suite will talk to LocalStack; its port is the one published on loopback. */
  readonly endpoint: string;
  /** Whether LOCALSTACK_AUTH_TOKEN is set: it picks the current image over the last free one. */
  readonly hasAuthToken: boolean;
  readonly timeoutMs: number;
  /** Between health probes. @default 2_000 */
  readonly pollMs?: number;
}

export type Started = { readonly image: string } & Probe;

async function docker(args: readonly string[]): Promise<{ ok: true; stdout: string } | { ok: false; message: string }> {
  try {
    // env as the step has it now (in-process callers set it after start)
    return { ok: true, stdout: (await exec('docker', [...args], { env: process.env, maxBuffer: 16 * 1024 * 1024 })).stdout.trim() };
  } catch (error) {
    const { stderr, code } = error as { stderr?: string; code?: number | string };
    return { ok: false, message: `docker ${args[0]} failed (${code ?? 'no exit code'}): ${stderr?.trim() || (error as Error).message}` };
  }
}

/**
 * `docker run -d` of the image the token allows, then health probes until every needed service is up, the container
 * exits, or the time is over. The token reaches the container as `-e LOCALSTACK_AUTH_TOKEN` (the name only, so its value
 * never appears in a process list or log). A failed start removes the container, so the port is free for moto.
 */
export async function startLocalstack(options: StartOptions): Promise<Started> {
  const image = options.hasAuthToken ? LOCALSTACK_CURRENT_IMAGE : LOCALSTACK_FREE_IMAGE;
  const port = new URL(options.endpoint).port || '4566';
  // a re-run of the job on the same runner, or of this step, must not trip over the last container
  await docker(['rm', '--force', CONTAINER_NAME]);
  const run = await docker([
    'run', '--detach', '--name', CONTAINER_NAME,
    '--publish', `127.0.0.1:${port}:4566`,
    '--env', 'LOCALSTACK_AUTH_TOKEN',
    // LocalStack runs each Lambda in a sibling container
    '--volume', '/var/run/docker.sock:/var/run/docker.sock',
    image,
  ]);
  if (!run.ok) return { image, healthy: false, reason: run.message };

  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const probe = await probeLocalstack(options.endpoint);
    if (probe.healthy) return { image, ...probe };
    const exited = await exitedWith();
    if (exited !== undefined || Date.now() >= deadline) {
      const reason = exited === undefined ? `not healthy after ${Math.round(options.timeoutMs / 1000)} s: ${probe.reason}` : exitReason(exited, options.hasAuthToken);
      const logs = await docker(['logs', '--tail', '20', CONTAINER_NAME]);
      await docker(['rm', '--force', CONTAINER_NAME]);
      return { image, healthy: false, reason: logs.ok && logs.stdout ? `${reason}\nlast lines of its log:\n${logs.stdout}` : reason };
    }
    await sleep(options.pollMs ?? 2_000);
  }
}

/** The container's exit code once it has stopped; undefined while it runs (or cannot be inspected). */
async function exitedWith(): Promise<number | undefined> {
  const state = await docker(['inspect', '--format', '{{.State.Status}} {{.State.ExitCode}}', CONTAINER_NAME]);
  if (!state.ok) return undefined;
  const [status, code] = state.stdout.split(' ');
  return status === 'exited' || status === 'dead' ? Number(code) : undefined;
}

function exitReason(code: number, hasAuthToken: boolean): string {
  if (code !== NEEDS_AUTH_TOKEN_EXIT) return `the container exited with code ${code}`;
  return hasAuthToken
    ? `the container exited with code ${code}: LocalStack refused LOCALSTACK_AUTH_TOKEN (expired or revoked? renew the repository secret)`
    : `the container exited with code ${code}: this image needs LOCALSTACK_AUTH_TOKEN (add it as a repository secret)`;
}
