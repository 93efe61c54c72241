/**
 * The regions an environment may use, with the availability-zone letters AWS offers in each.
 * Kept here (not read from `aws_availability_zones`) so that synth and plan never call AWS.
 * Add a region by adding a line; the environment schema picks it up.
 */
export const REGION_AZ_LETTERS = {
  'us-east-1': ['a', 'b', 'c', 'd', 'e', 'f'],
  'us-east-2': ['a', 'b', 'c'],
  'us-west-2': ['a', 'b', 'c', 'd'],
  'ca-central-1': ['a', 'b', 'd'],
  'eu-west-1': ['a', 'b', 'c'],
  'eu-west-2': ['a', 'b', 'c'],
  'eu-west-3': ['a', 'b', 'c'],
  'eu-central-1': ['a', 'b', 'c'],
  'eu-north-1': ['a', 'b', 'c'],
  'ap-south-1': ['a', 'b', 'c'],
  'ap-southeast-1': ['a', 'b', 'c'],
  'ap-southeast-2': ['a', 'b', 'c'],
  'ap-northeast-1': ['a', 'c', 'd'],
  'sa-east-1': ['a', 'b', 'c'],
} as const satisfies Record<string, readonly string[]>;

export type RegionName = keyof typeof REGION_AZ_LETTERS;

export const KNOWN_REGIONS = Object.keys(REGION_AZ_LETTERS) as RegionName[];

export function isKnownRegion(name: string): name is RegionName {
  return Object.hasOwn(REGION_AZ_LETTERS, name);
}

export function availabilityZonesOf(region: RegionName): string[] {
  return REGION_AZ_LETTERS[region].map((letter) => `${region}${letter}`);
}

/** `us-east-1` → `us_east_1`, as used in output names. */
export function regionKey(region: string): string {
  return region.replace(/-/g, '_');
}
