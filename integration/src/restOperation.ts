/**
 * Which API operation a REST request (S3, Lambda) is, from the service models botocore ships (moto depends on it, so
 * it is installed wherever moto_server runs). JSON and query protocols name their operation in the request itself.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';

interface Member {
  readonly shape: string;
  readonly location?: string;
  readonly locationName?: string;
}
interface ServiceModel {
  readonly operations: Record<string, { readonly http: { readonly method: string; readonly requestUri: string }; readonly input?: { readonly shape: string }; readonly deprecated?: boolean }>;
  readonly shapes: Record<string, { readonly members?: Record<string, Member>; readonly required?: readonly string[] }>;
}

interface Route {
  readonly operation: string;
  readonly method: string;
  /** Path segments; `{Name}` binds one segment, `{Name+}` the rest. */
  readonly segments: readonly string[];
  /** Query keys the operation needs: literal ones of its URI (`?uploads`, `list-type=2`) and its required query members. */
  readonly query: ReadonlyMap<string, string | undefined>;
  /** Query members, as the model names them (`versionId` → `VersionId`). */
  readonly queryMembers: ReadonlyMap<string, string>;
  /** Header members, by lower-case header name; the required ones tell CopyObject (`x-amz-copy-source`) from PutObject. */
  readonly headerMembers: ReadonlyMap<string, string>;
  readonly requiredHeaders: readonly string[];
}

export interface RestOperation {
  readonly operation: string;
  /** Path and query parameters, under the model's member names (`Bucket`, `Key`, `VersionId`, `FunctionName`...). */
  readonly params: Record<string, string>;
}

let botocoreData: string | undefined;

/** botocore's data folder, from the Python that has moto (`MOTO_PYTHON`, else `python3`). */
function dataDir(): string {
  if (botocoreData) return botocoreData;
  const python = process.env.MOTO_PYTHON ?? 'python3';
  try {
    botocoreData = execFileSync(python, ['-c', 'import botocore, os; print(os.path.join(os.path.dirname(botocore.__file__), "data"))'], { encoding: 'utf8' }).trim();
  } catch (error) {
    throw new Error(`reading AWS service models: ${python} cannot import botocore (installed with moto: pip install "moto[server]"; or set MOTO_PYTHON): ${String(error)}`);
  }
  return botocoreData;
}

const routesByService = new Map<string, readonly Route[]>();

function routes(service: string): readonly Route[] {
  const cached = routesByService.get(service);
  if (cached) return cached;
  const serviceDir = path.join(dataDir(), service);
  // the newest API version of the service
  const version = readdirSync(serviceDir).filter((v) => /^\d{4}-/.test(v)).sort().pop();
  if (!version) throw new Error(`no service model for ${service} under ${serviceDir}`);
  const model = JSON.parse(gunzipSync(readFileSync(path.join(serviceDir, version, 'service-2.json.gz'))).toString('utf8')) as ServiceModel;
  // a deprecated operation shares its URI with its successor (GetBucketLifecycle, GetBucketLifecycleConfiguration)
  const current = Object.entries(model.operations).filter(([, { deprecated }]) => !deprecated);
  const built = current.map(([operation, { http, input }]): Route => {
    const [uriPath = '', uriQuery] = http.requestUri.split('?');
    const query = new Map<string, string | undefined>();
    for (const pair of uriQuery ? uriQuery.split('&') : []) {
      const [key, value] = pair.split('=');
      query.set(key!, value);
    }
    const shape = input ? model.shapes[input.shape] : undefined;
    const queryMembers = new Map<string, string>();
    const headerMembers = new Map<string, string>();
    const requiredHeaders: string[] = [];
    for (const [name, member] of Object.entries(shape?.members ?? {})) {
      if (!member.locationName) continue;
      const required = shape?.required?.includes(name) ?? false;
      if (member.location === 'querystring') {
        queryMembers.set(member.locationName, name);
        if (required) query.set(member.locationName, undefined);
      } else if (member.location === 'header') {
        headerMembers.set(member.locationName.toLowerCase(), name);
        if (required) requiredHeaders.push(member.locationName.toLowerCase());
      }
    }
    return { operation, method: http.method, segments: uriPath.split('/').filter(Boolean), query, queryMembers, headerMembers, requiredHeaders };
  });
  routesByService.set(service, built);
  return built;
}

function matchPath(segments: readonly string[], parts: readonly string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (const [i, segment] of segments.entries()) {
    const variable = /^\{(\w+)(\+?)\}$/.exec(segment);
    if (!variable) {
      if (parts[i] !== segment) return undefined;
      continue;
    }
    if (variable[2]) {
      const rest = parts.slice(i).join('/');
      if (!rest) return undefined;
      params[variable[1]!] = rest;
      return params;
    }
    if (parts[i] === undefined) return undefined;
    params[variable[1]!] = parts[i]!;
  }
  return parts.length === segments.length ? params : undefined;
}

/**
 * The operation of a REST request (`service` as botocore names its folder: `s3`, `lambda`), or undefined.
 * `headers` by lower-case name.
 */
export function restOperation(service: string, method: string, url: URL, headers: ReadonlyMap<string, string>): RestOperation | undefined {
  // percent-decoded per segment: keys such as `input/a%2Bb.csv` name the object `input/a+b.csv`
  const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  let best: { route: Route; params: Record<string, string> } | undefined;
  for (const route of routes(service)) {
    if (route.method !== method) continue;
    const params = matchPath(route.segments, parts);
    if (!params) continue;
    const queryMatches = [...route.query].every(([key, value]) => url.searchParams.has(key) && (value === undefined || url.searchParams.get(key) === value));
    if (!queryMatches || !route.requiredHeaders.every((name) => headers.has(name))) continue;
    // the most specific route wins: GetObjectAcl (?acl) over GetObject, UploadPart (partNumber, uploadId) and CopyObject
    // (x-amz-copy-source) over PutObject
    const specificity = (r: Route) => r.query.size + r.requiredHeaders.length;
    if (!best || specificity(route) > specificity(best.route)) best = { route, params };
  }
  if (!best) return undefined;
  for (const [key, value] of url.searchParams) {
    const member = best.route.queryMembers.get(key);
    if (member) best.params[member] = value;
  }
  for (const [name, value] of headers) {
    const member = best.route.headerMembers.get(name);
    if (member) best.params[member] = value;
  }
  return { operation: best.route.operation, params: best.params };
}
