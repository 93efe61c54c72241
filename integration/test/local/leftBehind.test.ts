import { isWorkFolder, leftBehindText } from '../../local/leftBehind';

describe('leftBehindText', () => {
  const lines = (text: string): string[] => text.trimEnd().split('\n');

  it('with its own emulator (killed too): names the folder and how to remove it', () => {
    expect(lines(leftBehindText({ kind: 'workFolder', path: '/tmp/local-dev-Ab12', externalEndpoint: undefined }))).toEqual([
      'local:up: quit at once, without a teardown; left behind: /tmp/local-dev-Ab12 (the stacks, their terraform state and providers)',
      '  remove it: rm -rf /tmp/local-dev-Ab12',
    ]);
  });

  it('with an emulator at AWS_ENDPOINT_URL (still running): also how to destroy what may be applied there', () => {
    expect(lines(leftBehindText({ kind: 'workFolder', path: '/tmp/local-dev-Ab12', externalEndpoint: 'http://localhost:4566' }))).toEqual([
      'local:up: quit at once, without a teardown; left behind: /tmp/local-dev-Ab12 (the stacks, their terraform state and providers)',
      '  the stacks may still be applied on the emulator at http://localhost:4566 (AWS_ENDPOINT_URL): restart it, or destroy each stack first:',
      '    terraform -chdir=/tmp/local-dev-Ab12/stacks/<stack> destroy   (a bucket with objects must be emptied first unless the environment is ephemeral)',
      '  remove it: rm -rf /tmp/local-dev-Ab12',
    ]);
  });

  it('quotes a folder the shell would split', () => {
    expect(leftBehindText({ kind: 'workFolder', path: "/Users/o'neil/my tmp/local-dev-Ab12", externalEndpoint: undefined })).toContain(
      `  remove it: rm -rf '/Users/o'\\''neil/my tmp/local-dev-Ab12'\n`,
    );
  });
});

describe('isWorkFolder', () => {
  it.each([[{ kind: 'workFolder', path: '/tmp/x', externalEndpoint: undefined }, true], ['stop', false], [null, false], [{ path: '/tmp/x' }, false]])(
    '%j: %s',
    (message, expected) => {
      expect(isWorkFolder(message)).toBe(expected);
    },
  );
});
