import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DefaultSecurityGroup } from '@cdktf/provider-aws/lib/default-security-group';
import { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { RouteTable } from '@cdktf/provider-aws/lib/route-table';
import { RouteTableAssociation } from '@cdktf/provider-aws/lib/route-table-association';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { Construct } from 'constructs';
import { parseIpv4Cidr, subnetCidr, type Ipv4Block } from '../config/cidr';
import { policyDocument, serviceTrustPolicy, type PolicyStatement } from './policyDocument';

export interface NetworkProps {
  readonly region: string;
  readonly account: string;
  /** Name of the VPC (Name tag), also used for the flow-log group. */
  readonly vpcName: string;
  /** VPC block; validated by the environment schema (/16–/24, RFC 1918). */
  readonly cidr: string;
  /** One private subnet per zone, each a 16th of the VPC. At least 2. */
  readonly availabilityZones: readonly string[];
  readonly flowLogGroupName: string;
  readonly flowLogRoleName: string;
  /** @default 30 */
  readonly flowLogRetentionDays?: number;
  readonly securityGroupName: string;
  /** What the S3 gateway endpoint admits: this region's raw bucket only. */
  readonly endpointS3Statements: readonly PolicyStatement[];
  /** What the DynamoDB gateway endpoint admits: this region's job table only. */
  readonly endpointDynamodbStatements: readonly PolicyStatement[];
}

/**
 * A private-only VPC: subnets with no public IPs and no internet or NAT gateway. The ETL reaches S3 and
 * DynamoDB through gateway endpoints whose policies admit only this region's bucket and table.
 */
export class Network extends Construct {
  readonly vpc: Vpc;
  readonly subnets: Subnet[];
  readonly securityGroup: SecurityGroup;
  readonly s3Endpoint: VpcEndpoint;
  readonly dynamodbEndpoint: VpcEndpoint;
  readonly flowLogGroup: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const block = parseIpv4Cidr(props.cidr) as Ipv4Block;

    this.vpc = new Vpc(this, 'vpc', {
      cidrBlock: props.cidr,
      enableDnsSupport: true,
      enableDnsHostnames: true,
      tags: { Name: props.vpcName },
    });

    // The default group is what a forgotten ENI lands in: managed here with no rules at all (EC2.2).
    new DefaultSecurityGroup(this, 'default-security-group', { vpcId: this.vpc.id, ingress: [], egress: [] });

    const routeTable = new RouteTable(this, 'private-routes', { vpcId: this.vpc.id, tags: { Name: `${props.vpcName}-private` } });
    this.subnets = props.availabilityZones.map((zone, index) => {
      const subnet = new Subnet(this, `private-${zone}`, {
        vpcId: this.vpc.id,
        availabilityZone: zone,
        cidrBlock: subnetCidr(block, index),
        mapPublicIpOnLaunch: false,
        tags: { Name: `${props.vpcName}-private-${zone}` },
      });
      new RouteTableAssociation(this, `private-${zone}-routes`, { subnetId: subnet.id, routeTableId: routeTable.id });
      return subnet;
    });

    const gatewayEndpoint = (service: 's3' | 'dynamodb', statements: readonly PolicyStatement[]) =>
      new VpcEndpoint(this, `${service}-endpoint`, {
        vpcId: this.vpc.id,
        serviceName: `com.amazonaws.${props.region}.${service}`,
        vpcEndpointType: 'Gateway',
        routeTableIds: [routeTable.id],
        policy: policyDocument(...statements),
        tags: { Name: `${props.vpcName}-${service}` },
      });
    this.s3Endpoint = gatewayEndpoint('s3', props.endpointS3Statements);
    this.dynamodbEndpoint = gatewayEndpoint('dynamodb', props.endpointDynamodbStatements);

    this.securityGroup = new SecurityGroup(this, 'etl-security-group', {
      name: props.securityGroupName,
      description: 'ETL Lambda: HTTPS to the S3 and DynamoDB gateway endpoints only',
      vpcId: this.vpc.id,
      ingress: [],
      egress: [
        {
          description: 'HTTPS to S3 and DynamoDB through their gateway endpoints',
          fromPort: 443,
          toPort: 443,
          protocol: 'tcp',
          prefixListIds: [this.s3Endpoint.prefixListId, this.dynamodbEndpoint.prefixListId],
        },
      ],
      tags: { Name: props.securityGroupName },
    });

    this.flowLogGroup = new CloudwatchLogGroup(this, 'flow-log-group', {
      name: props.flowLogGroupName,
      retentionInDays: props.flowLogRetentionDays ?? 30,
    });
    const flowLogRole = new IamRole(this, 'flow-log-role', {
      name: props.flowLogRoleName,
      assumeRolePolicy: serviceTrustPolicy('vpc-flow-logs.amazonaws.com', props.account),
    });
    new IamRolePolicy(this, 'flow-log-policy', {
      name: 'write-flow-logs',
      role: flowLogRole.id,
      policy: policyDocument({
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
        Resource: [this.flowLogGroup.arn, `${this.flowLogGroup.arn}:*`],
      }),
    });
    new FlowLog(this, 'flow-log', {
      vpcId: this.vpc.id,
      trafficType: 'ALL',
      logDestinationType: 'cloud-watch-logs',
      logDestination: this.flowLogGroup.arn,
      iamRoleArn: flowLogRole.arn,
      tags: { Name: props.vpcName },
    });
  }
}
