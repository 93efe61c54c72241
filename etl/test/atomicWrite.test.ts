import { link, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeFileAtomically } from '../scripts/atomicWrite';

describe('writeFileAtomically', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'etl-atomic-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('puts a new file in place of the old one: a hard link to the old keeps its bytes, no temporary file is left', async () => {
    const file = path.join(dir, 'analytics-etl-1.0.0.zip');
    await writeFileAtomically(file, 'old');
    await link(file, path.join(dir, 'linked.zip'));

    await writeFileAtomically(file, 'new');

    expect(await readFile(file, 'utf8')).toBe('new');
    expect(await readFile(path.join(dir, 'linked.zip'), 'utf8')).toBe('old');
    expect((await readdir(dir)).sort()).toEqual(['analytics-etl-1.0.0.zip', 'linked.zip']);
  });
});
