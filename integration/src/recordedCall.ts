/**
 * One AWS API call as moto's request recorder saw it (`/moto-api/recorder/download-recording`, one JSON object a line),
 * read back into who signed it, which service, region and operation, and its parameters.
 */
import { restOperation } from './restOperation';

/** A line of moto's recording (moto_api/_internal/recorder/models.py). */
export interface RecordedRequest {
  readonly headers: Readonly<Record<string, string>>;
  readonly method: string;
  readonly url: string;
  readonly body: string | null;
  readonly body_encoded: boolean;
}

export interface AwsCall {
  /** From the SigV4 credential scope (`Credential=<key>/<date>/<region>/<service>/aws4_request`). */
  readonly accessKeyId: string;
  readonly region: string;
  /** The signing name: `s3`, `dynamodb`, `monitoring` (CloudWatch), ... */
  readonly service: string;
  /** The API operation, e.g. `GetObject`, `CreateQueue`. */
  readonly operation: string;
  /** JSON body, query-protocol form (flat keys such as `TagSpecification.1.Tag.1.Key`), or a REST call's path and query values. */
  readonly params: Readonly<Record<string, unknown>>;
  readonly userAgent: string;
  readonly method: string;
  readonly url: string;
}

/** botocore's folder for a signing name, where the two differ, for the REST services. */
const REST_SERVICES: Readonly<Record<string, string>> = { s3: 's3', lambda: 'lambda' };

function header(request: RecordedRequest, name: string): string | undefined {
  const wanted = name.toLowerCase();
  return Object.entries(request.headers).find(([key]) => key.toLowerCase() === wanted)?.[1];
}

function bodyText(request: RecordedRequest): string {
  if (!request.body) return '';
  return request.body_encoded ? Buffer.from(request.body, 'base64').toString('utf8') : request.body;
}

function credentialScope(request: RecordedRequest, url: URL): { accessKeyId: string; region: string; service: string } | undefined {
  const credential = /Credential=([^,\s]+)/.exec(header(request, 'authorization') ?? '')?.[1] ?? url.searchParams.get('X-Amz-Credential') ?? undefined;
  const [accessKeyId, , region, service] = credential?.split('/') ?? [];
  return accessKeyId && region && service ? { accessKeyId, region, service } : undefined;
}

/** The call a recorded request made, or undefined for what is not an AWS API call (moto's own `/moto-api/`, unsigned requests). */
export function recordedCall(request: RecordedRequest): AwsCall | undefined {
  const url = new URL(request.url);
  if (url.pathname.startsWith('/moto-api/')) return undefined;
  const scope = credentialScope(request, url);
  if (!scope) return undefined;
  const base = { ...scope, userAgent: header(request, 'user-agent') ?? '', method: request.method, url: request.url };
  const describe = `${request.method} ${request.url} (${scope.service})`;

  const target = header(request, 'x-amz-target');
  if (target) {
    // JSON protocol: `DynamoDB_20120810.PutItem`, `AmazonSQS.ReceiveMessage`
    const text = bodyText(request);
    return { ...base, operation: target.slice(target.lastIndexOf('.') + 1), params: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }
  const cbor = /\/service\/[^/]+\/operation\/(\w+)$/.exec(url.pathname);
  if (cbor) return { ...base, operation: cbor[1]!, params: {} }; // Smithy RPC v2 CBOR: parameters not decoded here
  const form = new URLSearchParams(request.method === 'POST' && !REST_SERVICES[scope.service] ? bodyText(request) : url.search);
  const action = form.get('Action');
  if (action) return { ...base, operation: action, params: Object.fromEntries(form) };

  const folder = REST_SERVICES[scope.service];
  if (!folder) throw new Error(`recorded request ${describe}: not a JSON, query or known REST call`);
  const headers = new Map(Object.entries(request.headers).map(([name, value]) => [name.toLowerCase(), value]));
  const rest = restOperation(folder, request.method, url, headers);
  if (!rest) throw new Error(`recorded request ${describe}: no ${folder} operation matches it in botocore's model`);
  const text = scope.service === 'lambda' || rest.operation === 'DeleteObjects' ? bodyText(request) : '';
  // a batch delete names its objects in an XML body, kept whole for iamActions
  const body = rest.operation === 'DeleteObjects' ? { body: text } : text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : {};
  return { ...base, operation: rest.operation, params: { ...body, ...rest.params } };
}

/** Where one entry ends and the next begins on a shared line. */
const SHARED_LINE = '}{"headers": ';

/**
 * The entries of a recording. moto writes each entry and its newline in two writes from concurrent request threads, so
 * two entries can share a line (`{...}{...}`); every entry starts with its headers, which splits them again. Searched
 * with indexOf: a look-behind regular expression cost ~0.4 CPU s per 43 MB recording (the ETL zip is in it, base64).
 */
function recordingEntries(text: string): string[] {
  const entries: string[] = [];
  for (const line of text.split('\n')) {
    let start = 0;
    for (let at = line.indexOf(SHARED_LINE); at !== -1; at = line.indexOf(SHARED_LINE, at + 1)) {
      entries.push(line.slice(start, at + 1));
      start = at + 1;
    }
    entries.push(line.slice(start));
  }
  return entries;
}

/** Parses a whole recording. */
export function parseRecording(text: string): AwsCall[] {
  return recordingEntries(text)
    .filter((entry) => entry.trim())
    .flatMap((entry, i) => {
      let request: RecordedRequest;
      try {
        request = JSON.parse(entry) as RecordedRequest;
      } catch (error) {
        throw new Error(`moto's recording, entry ${i + 1}: not JSON (${String(error)}): ${entry.slice(0, 200)}`);
      }
      return recordedCall(request) ?? [];
    });
}
