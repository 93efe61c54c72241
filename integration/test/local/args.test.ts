import { FlagError } from '../../../infra/src/config/errors';
import { loadEnvironments } from '../../../infra/src/config/loadEnvironments';
import { parseUpArgs, selectRegions } from '../../local/args';

/** The shipped definitions: what `npm run local:up` checks the flags against. */
const ENVIRONMENTS = loadEnvironments('environments');
const DEV_REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-1'];

describe('parseUpArgs', () => {
  it.each([['--help'], ['-h'], ['--env', 'dev', '--help']])('%s asks for the usage text, even with other flags', (...argv) => {
    expect(parseUpArgs(argv)).toEqual({ kind: 'help' });
  });

  it('requires --env and shows how to give it', () => {
    expect(() => parseUpArgs([])).toThrow(FlagError);
    expect(() => parseUpArgs([])).toThrow('--env <name> is required, e.g. npm run local:up -- --env dev');
    expect(() => parseUpArgs(['--region', 'us-east-1'])).toThrow('--env <name> is required');
  });

  it('--env alone leaves the regions to the environment', () => {
    expect(parseUpArgs(['--env', 'dev'])).toEqual({ kind: 'up', environment: 'dev' });
  });

  it.each([
    [['--env', 'dev', '--verbose'], '--verbose: unknown flag'],
    [['--env', 'dev', 'us-east-1'], 'us-east-1: unexpected argument; every value follows its flag (--name value)'],
    [['--env'], '--env: needs a value (--env <value>)'],
    [['--env', '--region', 'us-east-1'], '--env: needs a value (--env <value>)'],
    [['--env', 'dev', '--help=yes'], '--help: takes no value'],
  ])('%j: a flag error of one line naming the flag', (argv, message) => {
    expect(() => parseUpArgs(argv)).toThrow(FlagError);
    expect(() => parseUpArgs(argv)).toThrow(new Error(message)); // the whole message, nothing after it
  });

  it('takes regions comma-separated, repeated or both, trimmed and without duplicates, in the order given', () => {
    expect(parseUpArgs(['--env', 'dev', '--region', 'eu-west-1, us-east-1'])).toEqual({ kind: 'up', environment: 'dev', regions: ['eu-west-1', 'us-east-1'] });
    expect(parseUpArgs(['--env', 'dev', '--region', 'eu-west-1', '--region', 'us-east-1,eu-west-1', '--region', 'ap-southeast-1'])).toEqual({
      kind: 'up',
      environment: 'dev',
      regions: ['eu-west-1', 'us-east-1', 'ap-southeast-1'],
    });
  });

  it.each([[['--region', '']], [['--region', 'us-east-1,']], [['--region', 'us-east-1,,eu-west-1']], [['--region', ' ']]])(
    '%j: an empty region name is refused',
    (flags) => {
      expect(() => parseUpArgs(['--env', 'dev', ...flags])).toThrow('--region needs a region name, e.g. --region us-east-1');
    },
  );
});

describe('selectRegions', () => {
  it('defaults to every region of the environment, in its order', () => {
    expect(selectRegions({ kind: 'up', environment: 'dev' }, ENVIRONMENTS)).toEqual(DEV_REGIONS);
  });

  it('keeps the regions asked for, in the order asked', () => {
    expect(selectRegions({ kind: 'up', environment: 'dev', regions: ['ap-southeast-1', 'us-east-1'] }, ENVIRONMENTS)).toEqual(['ap-southeast-1', 'us-east-1']);
  });

  it('names the defined environments when --env is unknown', () => {
    expect(() => selectRegions({ kind: 'up', environment: 'qa' }, ENVIRONMENTS)).toThrow('--env qa: no such environment; defined: dev, prod, staging');
  });

  it("names every unknown region and lists the environment's own", () => {
    expect(() => selectRegions({ kind: 'up', environment: 'dev', regions: ['us-east-1', 'us-west-2', 'eu-central-1'] }, ENVIRONMENTS)).toThrow(
      '--region us-west-2, eu-central-1: environment "dev" has no such region; its regions: us-east-1, eu-west-1, ap-southeast-1',
    );
  });
});
