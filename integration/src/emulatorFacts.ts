/**
 * What the least-privilege check needs that a recording of requests does not hold (their responses are not recorded),
 * read back from the emulator after the calls: the tags of the EC2 resources the calls touched, the function each
 * event source mapping feeds.
 */
import { LambdaClient, paginateListEventSourceMappings } from '@aws-sdk/client-lambda';
import { EC2_ID, type ResourceFacts } from './iamActions';
import type { AwsCall } from './recordedCall';
import { ACCESS_KEYS } from './principals';

/** An EC2 query-protocol call: the repository has no EC2 SDK client, and one call a region suffices. */
async function ec2Query(endpoint: string, region: string, params: Record<string, string>): Promise<string> {
  const response = await fetch(endpoint, {
    method: 'POST',
    body: new URLSearchParams({ Version: '2016-11-15', ...params }),
    // moto reads the region from the credential scope; it checks no signature
    headers: { Authorization: `AWS4-HMAC-SHA256 Credential=${ACCESS_KEYS.harness}/20260101/${region}/ec2/aws4_request, SignedHeaders=host, Signature=0` },
  });
  const xml = await response.text();
  if (!response.ok) throw new Error(`${params.Action} in ${region} on ${endpoint}: HTTP ${response.status}: ${xml.slice(0, 500)}`);
  return xml;
}

/** Route table associations → their route table (each association element names both). */
async function routeTableAssociations(endpoint: string, region: string): Promise<Map<string, string>> {
  const xml = await ec2Query(endpoint, region, { Action: 'DescribeRouteTables' });
  const associations = new Map<string, string>();
  for (const element of xml.split('<item>')) {
    const association = /<routeTableAssociationId>([^<]+)</.exec(element)?.[1];
    const table = /<routeTableId>([^<]+)</.exec(element)?.[1];
    if (association && table) associations.set(association, table);
  }
  return associations;
}

async function ec2Tags(endpoint: string, region: string, ids: readonly string[]): Promise<Map<string, Record<string, string>>> {
  const filter: Record<string, string> = { Action: 'DescribeTags', 'Filter.1.Name': 'resource-id' };
  ids.forEach((id, i) => (filter[`Filter.1.Value.${i + 1}`] = id));
  const xml = await ec2Query(endpoint, region, filter);
  const tags = new Map<string, Record<string, string>>();
  for (const [, item] of xml.matchAll(/<item>([\s\S]*?)<\/item>/g)) {
    const field = (name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(item!)?.[1] ?? '';
    const id = field('resourceId');
    tags.set(id, { ...tags.get(id), [field('key')]: field('value') });
  }
  return tags;
}

export async function emulatorFacts(endpoint: string, calls: readonly AwsCall[]): Promise<ResourceFacts> {
  const idsByRegion = new Map<string, Set<string>>();
  for (const call of calls) {
    if (call.service !== 'ec2') continue;
    for (const value of Object.values(call.params)) {
      if (typeof value === 'string' && EC2_ID.test(value)) idsByRegion.set(call.region, (idsByRegion.get(call.region) ?? new Set()).add(value));
    }
  }
  const tags = new Map<string, Record<string, string>>();
  const associations = new Map<string, string>();
  for (const [region, ids] of idsByRegion) {
    for (const [id, found] of await ec2Tags(endpoint, region, [...ids])) tags.set(id, found);
    for (const [association, table] of await routeTableAssociations(endpoint, region)) associations.set(association, table);
  }

  const mappings = new Map<string, string>();
  const lambdaRegions = new Set(calls.filter((call) => call.service === 'lambda').map((call) => call.region));
  for (const region of lambdaRegions) {
    const client = new LambdaClient({ endpoint, region, credentials: { accessKeyId: ACCESS_KEYS.harness, secretAccessKey: 'test' } });
    try {
      for await (const page of paginateListEventSourceMappings({ client }, {})) {
        for (const mapping of page.EventSourceMappings ?? []) if (mapping.UUID && mapping.FunctionArn) mappings.set(mapping.UUID, mapping.FunctionArn);
      }
    } finally {
      client.destroy();
    }
  }
  return {
    // a resource gone by now (destroyed) has no tags here; it is then judged as untagged, which fails loudly
    tags: (arn) => tags.get(arn.slice(arn.lastIndexOf('/') + 1)),
    mappingFunction: (uuid) => mappings.get(uuid),
    associatedRouteTable: (associationId) => associations.get(associationId),
  };
}

/** Facts read at several moments (before a destroy, at the end): the first that knows answers. */
export function firstKnown(sources: readonly ResourceFacts[]): ResourceFacts {
  const ask = <K extends keyof ResourceFacts>(key: K) => ((arg: string) => sources.map((source) => source[key](arg)).find((value) => value !== undefined)) as ResourceFacts[K];
  return { tags: ask('tags'), mappingFunction: ask('mappingFunction'), associatedRouteTable: ask('associatedRouteTable') };
}
