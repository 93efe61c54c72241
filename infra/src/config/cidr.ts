import ipaddr from 'ipaddr.js';

/** An IPv4 block as unsigned 32-bit integers, so overlap and subnetting are plain arithmetic. */
export interface Ipv4Block {
  readonly cidr: string;
  readonly first: number;
  readonly prefix: number;
  readonly size: number;
}

const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];
export const VPC_PREFIX_RANGE = { min: 16, max: 24 } as const;
/** Subnets are the VPC split in 16 (4 more prefix bits): room for every AZ of any region. */
const SUBNET_EXTRA_BITS = 4;

function toInt(address: ipaddr.IPv4): number {
  return address.toByteArray().reduce((acc, byte) => acc * 256 + byte, 0);
}

function toDotted(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

/** Parses `a.b.c.d/n`; returns an error text saying what is allowed instead of throwing. */
export function parseIpv4Cidr(text: string): Ipv4Block | string {
  if (!/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(text) || !ipaddr.isValidCIDR(text)) {
    return `"${text}" is not an IPv4 CIDR block; write it as a.b.c.d/n, e.g. 10.0.0.0/16`;
  }
  const [address, prefix] = ipaddr.IPv4.parseCIDR(text);
  const size = 2 ** (32 - prefix);
  const value = toInt(address);
  const first = value - (value % size);
  if (first !== value) {
    return `"${text}" has host bits set; the block starting there is ${toDotted(first)}/${prefix}`;
  }
  return { cidr: text, first, prefix, size };
}

export function overlaps(a: Ipv4Block, b: Ipv4Block): boolean {
  return a.first < b.first + b.size && b.first < a.first + a.size;
}

/** Why a parsed block cannot be a VPC, or undefined when it can. */
export function vpcCidrProblem(block: Ipv4Block): string | undefined {
  if (block.prefix < VPC_PREFIX_RANGE.min || block.prefix > VPC_PREFIX_RANGE.max) {
    return `"${block.cidr}" has prefix /${block.prefix}; a VPC needs /${VPC_PREFIX_RANGE.min} to /${VPC_PREFIX_RANGE.max}`;
  }
  const inPrivateRange = PRIVATE_RANGES.some((range) => {
    const parent = parseIpv4Cidr(range) as Ipv4Block;
    return block.first >= parent.first && block.first + block.size <= parent.first + parent.size;
  });
  if (!inPrivateRange) {
    return `"${block.cidr}" is not a private (RFC 1918) range; use one inside ${PRIVATE_RANGES.join(', ')}`;
  }
  return undefined;
}

/** The `index`-th private subnet of a VPC block (one per availability zone). */
export function subnetCidr(vpc: Ipv4Block, index: number): string {
  const prefix = vpc.prefix + SUBNET_EXTRA_BITS;
  const size = 2 ** (32 - prefix);
  if (index < 0 || index >= 2 ** SUBNET_EXTRA_BITS) {
    throw new RangeError(`subnet index ${index} is outside 0..${2 ** SUBNET_EXTRA_BITS - 1}`);
  }
  return `${toDotted(vpc.first + index * size)}/${prefix}`;
}
