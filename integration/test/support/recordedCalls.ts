import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Emulator } from '../../src/emulator';
import { emulatorFacts, firstKnown } from '../../src/emulatorFacts';
import type { ResourceFacts } from '../../src/iamActions';
import { PlatformPolicies } from '../../src/principals';
import { parseRecording } from '../../src/recordedCall';
import { checkRecordedCalls, type CheckOptions, tallyTable } from '../../src/recordedCallCheck';

const external = process.env.AWS_ENDPOINT_URL;
const TITLE = 'every AWS call made here is allowed to the role that makes it (IAM simulation of the synthesized policies)';

export interface RecordedCallsOptions extends CheckOptions {
  /** @default 'dev' */
  readonly environment?: string;
}

/**
 * The least-privilege proof of one suite: every AWS call recorded on its moto is allowed, by IAM simulation, to the
 * role that makes it in AWS, against the policies synthesized for AWS. The recorder is moto's: on an external emulator
 * (AWS_ENDPOINT_URL, LocalStack in Actions) the test is reported skipped with that reason; `npm test` on moto runs it.
 */
export class RecordedCalls {
  private readonly earlier: ResourceFacts[] = [];

  constructor(
    private readonly suite: string,
    private readonly emulator: () => Emulator,
    private readonly options: RecordedCallsOptions = {},
  ) {}

  /** Reads what the calls so far touched (EC2 tags, mappings) before a destroy removes it. */
  async beforeDestroy(): Promise<void> {
    const { recording, target } = this.emulator();
    if (recording) this.earlier.push(await emulatorFacts(target.endpoint, parseRecording(await recording())));
  }

  /** Registers the check; call it last in the file, so it sees every call the suite made. */
  test(): void {
    if (external) {
      test.skip(`${TITLE}: needs moto's request recorder, not the emulator at AWS_ENDPOINT_URL=${external}; runs where the suite starts moto`, () => {});
      return;
    }
    test(TITLE, async () => {
      const { recording, target } = this.emulator();
      if (!recording) throw new Error(`${this.suite}: the emulator was not started with moto's request recorder`);
      const calls = parseRecording(await recording());
      const now = await emulatorFacts(target.endpoint, calls);
      const facts = firstKnown([now, ...this.earlier]);
      const outdir = mkdtempSync(path.join(tmpdir(), 'least-privilege-'));
      try {
        const policies = new PlatformPolicies(this.options.environment ?? 'dev', outdir);
        const { tallies, failures } = await checkRecordedCalls(calls, facts, policies, this.options);
        console.log(tallyTable(`Least privilege, ${this.suite}: recorded calls simulated against the synthesized policies`, tallies));
        expect(failures).toEqual([]);
        // a check over no role's calls proves nothing
        expect(tallies.filter((t) => t.authorizations > 0).length).toBeGreaterThan(0);
      } finally {
        rmSync(outdir, { recursive: true, force: true });
      }
    }, 5 * 60_000);
  }
}
