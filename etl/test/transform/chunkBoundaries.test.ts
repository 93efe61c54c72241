import { FIXTURE_KEYS, fixtureStream, runTransform } from './runTransform';

describe('transform: independence from how the body is chunked', () => {
  // S3 hands the body over in arbitrary pieces: a BOM, a multi-byte character ("ë", "ä"), a CRLF pair or a JSON line
  // may be split anywhere. 1- and 3-byte chunks split every one of them somewhere.
  it.each(FIXTURE_KEYS.flatMap(([name, key]) => [1, 3].map((bytes) => [name, bytes, key] as const)))(
    'reads %s in %i-byte chunks exactly like in one chunk',
    async (name, bytes, key) => {
      const whole = await runTransform(key, fixtureStream(name));
      const split = await runTransform(key, fixtureStream(name, bytes));

      expect(split.rows).toEqual(whole.rows);
      expect(split.parquetColumns).toEqual(whole.parquetColumns);
      expect(split.rejected).toEqual(whole.rejected);
      expect(split.result).toEqual(whole.result);
      expect(whole.rows.length).toBeGreaterThan(0);
    },
  );
});
