import { overlaps, parseIpv4Cidr, subnetCidr, vpcCidrProblem, type Ipv4Block } from '../src/config/cidr';

const block = (text: string) => parseIpv4Cidr(text) as Ipv4Block;

test('subnets are consecutive sixteenths of the VPC', () => {
  expect([0, 1, 2, 15].map((i) => subnetCidr(block('10.2.0.0/16'), i))).toEqual(['10.2.0.0/20', '10.2.16.0/20', '10.2.32.0/20', '10.2.240.0/20']);
  expect(subnetCidr(block('192.168.4.0/24'), 3)).toBe('192.168.4.48/28');
  expect(() => subnetCidr(block('10.0.0.0/16'), 16)).toThrow(RangeError);
});

test('overlap is symmetric and exact at the edges', () => {
  expect(overlaps(block('10.0.0.0/16'), block('10.0.255.0/24'))).toBe(true);
  expect(overlaps(block('10.0.255.0/24'), block('10.0.0.0/16'))).toBe(true);
  expect(overlaps(block('10.0.0.0/16'), block('10.1.0.0/16'))).toBe(false);
});

test('VPC blocks must be /16–/24 and private', () => {
  expect(vpcCidrProblem(block('172.31.0.0/16'))).toBeUndefined();
  expect(vpcCidrProblem(block('172.32.0.0/16'))).toMatch(/not a private/);
  expect(vpcCidrProblem(block('10.0.0.0/25'))).toMatch(/needs \/16 to \/24/);
  expect(parseIpv4Cidr('10.0.0.256/16')).toMatch(/not an IPv4 CIDR block/);
});
