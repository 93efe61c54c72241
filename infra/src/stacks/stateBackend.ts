import { LocalBackend, S3Backend, type TerraformStack } from 'cdktf';
import type { Environment } from '../config/loadEnvironments';
import type { DeployTarget } from './deployTarget';

/** A terraform.tfstate next to the stack's cdk.tf.json (emulators; the bootstrap's first apply). */
export function useLocalState(stack: TerraformStack): void {
  new LocalBackend(stack, { path: 'terraform.tfstate' });
}

export interface S3StateOptions {
  /** An emulator: on-demand copies, whose state bucket is their registry, keep S3 state there too. @default { kind: 'aws' } */
  readonly target?: DeployTarget;
  /** Where terraform looks for workspaces (it lists the prefix at every init). @default 'env:' */
  readonly workspaceKeyPrefix?: string;
}

/**
 * The S3 backend at `key`: locked by the DynamoDB table when one is named, else by S3's own lockfile. On an emulator
 * the bucket is the emulator's, reached with its dummy keys.
 */
export function useS3State(stack: TerraformStack, state: Environment['state'], key: string, options: S3StateOptions = {}): void {
  const { target = { kind: 'aws' }, workspaceKeyPrefix } = options;
  new S3Backend(stack, {
    bucket: state.bucket,
    key,
    region: state.region,
    encrypt: true,
    ...(workspaceKeyPrefix ? { workspaceKeyPrefix } : {}),
    ...(state.lockTable ? { dynamodbTable: state.lockTable } : {}),
    ...(target.kind === 'emulator'
      ? {
          endpoints: { s3: target.endpoint, dynamodb: target.endpoint, sts: target.endpoint },
          usePathStyle: true,
          accessKey: 'test',
          secretKey: 'test',
          skipCredentialsValidation: true,
          skipRequestingAccountId: true,
          skipMetadataApiCheck: true,
        }
      : {}),
  });
  // S3-native locking (terraform >= 1.10); cdktf 0.21's S3Backend predates the setting
  if (!state.lockTable) stack.addOverride('terraform.backend.s3.use_lockfile', true);
}
