import { createClients } from '../src/clients';
import { EMULATOR_ENV } from './support/aws';

describe('createClients', () => {
  beforeAll(() => {
    Object.assign(process.env, EMULATOR_ENV);
  });

  const endpointOf = async (config: { endpoint?: () => Promise<{ hostname: string; port?: number }> }) => {
    const endpoint = await config.endpoint?.();
    return endpoint && `${endpoint.hostname}:${String(endpoint.port)}`;
  };

  it('points both clients at an explicit endpoint, S3 in path style', async () => {
    const { s3, ddb } = createClients({ endpoint: 'http://127.0.0.1:5000' }, {});

    expect(await endpointOf(s3.config)).toBe('127.0.0.1:5000');
    expect(await endpointOf(ddb.config)).toBe('127.0.0.1:5000');
    expect(s3.config.forcePathStyle).toBe(true);
  });

  it('uses path style when AWS_ENDPOINT_URL sets the endpoint (the SDK applies the URL itself)', () => {
    expect(createClients({}, { AWS_ENDPOINT_URL: 'http://127.0.0.1:5000' }).s3.config.forcePathStyle).toBe(true);
  });

  it('leaves AWS endpoints and virtual-hosted S3 alone otherwise', async () => {
    const { s3 } = createClients({}, {});

    expect(s3.config.forcePathStyle).toBe(false);
    expect(await endpointOf(s3.config)).toBeUndefined();
  });
});
