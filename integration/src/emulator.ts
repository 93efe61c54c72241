import { type EmulatorName, EMULATORS, emulatorTarget, type EmulatorTarget } from '../../infra/src/stacks/deployTarget';
import { startMotoServer } from './motoServer';

export interface Emulator {
  readonly name: EmulatorName;
  readonly target: EmulatorTarget;
  /** Started by this process, so `stop()` discards it with everything deployed in it. */
  readonly owned: boolean;
  /** Stops what this process started; leaves an external emulator running. */
  stop(): Promise<void>;
  /**
   * Every request the emulator received (moto's request recorder), for the least-privilege check. Only on a moto this
   * process started with `record: true`: an external emulator (LocalStack in Actions) has no recorder we control.
   */
  readonly recording?: () => Promise<string>;
}

/** Each emulator's health endpoint: how an external endpoint is told apart. */
const HEALTH_PATHS: Record<EmulatorName, string> = { localstack: '/_localstack/health', moto: '/moto-api/' };

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(3_000) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

/** Which emulator runs at `endpoint`: `INTEGRATION_EMULATOR` when set, else by its health endpoint. */
export async function identifyEmulator(endpoint: string, env: NodeJS.ProcessEnv = process.env): Promise<EmulatorName> {
  const names = Object.keys(EMULATORS) as EmulatorName[];
  const declared = env.INTEGRATION_EMULATOR;
  if (declared) {
    if (!(names as string[]).includes(declared)) throw new Error(`INTEGRATION_EMULATOR=${declared}: use one of ${names.join(', ')}`);
    return declared as EmulatorName;
  }
  for (const name of names) {
    if (await answers(`${endpoint}${HEALTH_PATHS[name]}`)) return name;
  }
  throw new Error(
    `AWS_ENDPOINT_URL=${endpoint}: neither LocalStack (${HEALTH_PATHS.localstack}) nor moto (${HEALTH_PATHS.moto}) answers there. ` +
      'Start the emulator, or unset AWS_ENDPOINT_URL to let the suite start moto_server itself.',
  );
}

export interface StartOptions {
  /**
   * Record every request on a moto of our own (the suites' least-privilege check). Off for long sessions (local:up): the
   * recording keeps every request body. @default false
   */
  readonly record?: boolean;
}

/**
 * The emulator to run against: the one at `AWS_ENDPOINT_URL` when set (LocalStack in GitHub Actions, or a moto you
 * started), else a `moto_server` of our own on a free loopback port, stopped by `stop()` (or when this process exits).
 */
export async function startEmulator(env: NodeJS.ProcessEnv = process.env, options: StartOptions = {}): Promise<Emulator> {
  const external = env.AWS_ENDPOINT_URL;
  if (external) {
    const name = await identifyEmulator(external, env);
    return { name, target: emulatorTarget(name, external), owned: false, stop: async () => {} };
  }
  const moto = await startMotoServer({ record: options.record });
  const recording = options.record ? () => moto.recording() : undefined;
  return { name: 'moto', target: emulatorTarget('moto', moto.endpoint), owned: true, stop: () => moto.stop(), recording };
}
