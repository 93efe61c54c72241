/** The last LocalStack image that runs without an auth token (later ones exit with code 55 without one). */
export const LOCALSTACK_FREE_IMAGE = 'localstack/localstack:4.14.0';
/** Current releases; they need LOCALSTACK_AUTH_TOKEN. */
export const LOCALSTACK_CURRENT_IMAGE = 'localstack/localstack:latest';

/** Services the stacks and the suite use; LocalStack reports each as "available" or "running" when usable. */
const NEEDED = ['s3', 'sqs', 'dynamodb', 'lambda', 'events', 'iam', 'logs', 'cloudwatch', 'ec2', 'sts'];

export type Probe = { readonly healthy: true } | { readonly healthy: false; readonly reason: string };

/** One look at `<endpoint>/_localstack/health`. */
export async function probeLocalstack(endpoint: string, fetchImpl: typeof fetch = fetch): Promise<Probe> {
  let body: unknown;
  try {
    const response = await fetchImpl(new URL('/_localstack/health', endpoint), { signal: AbortSignal.timeout(5_000) });
    if (!response.ok) return { healthy: false, reason: `health check answered HTTP ${response.status}` };
    body = await response.json();
  } catch (error) {
    return { healthy: false, reason: `no answer at ${endpoint} (${(error as Error).message})` };
  }
  const services = (body as { services?: Record<string, string> }).services ?? {};
  const down = NEEDED.filter((service) => !['available', 'running'].includes(services[service] ?? ''));
  return down.length === 0 ? { healthy: true } : { healthy: false, reason: `services not available: ${down.map((s) => `${s}=${services[s] ?? 'missing'}`).join(', ')}` };
}

