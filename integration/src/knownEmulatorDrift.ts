import type { EmulatorName } from '../../infra/src/stacks/deployTarget';
import type { ResourceChange } from '../../infra/src/terraform/terraformCli';

/**
 * Differences a plan right after apply shows only because the emulator reads an attribute back differently
 * (../shared/reference.md, "Permanent plan diffs on moto"). Each is an update of one attribute of one resource type,
 * and `same` says when before and after mean the same thing.
 */
interface KnownDrift {
  readonly type: string;
  readonly attribute: string;
  readonly why: string;
  /** When set, the drift is accepted only if the two values are equivalent by this test. */
  readonly same?: (before: unknown, after: unknown) => boolean;
}

const sameJson = (before: unknown, after: unknown): boolean =>
  typeof before === 'string' && typeof after === 'string' && JSON.stringify(JSON.parse(before)) === JSON.stringify(JSON.parse(after));

export const KNOWN_DRIFT: Record<EmulatorName, readonly KnownDrift[]> = {
  moto: [
    { type: 'aws_s3_bucket_notification', attribute: 'eventbridge', why: 'moto reads the EventBridge flag back as false (delivery works)' },
    { type: 'aws_sqs_queue', attribute: 'redrive_policy', why: 'moto returns the redrive JSON with other spacing', same: sameJson },
  ],
  localstack: [],
};

/** Top-level attributes whose values differ between before and after. */
function changedAttributes(change: ResourceChange['change']): string[] {
  const before = (change.before ?? {}) as Record<string, unknown>;
  const after = (change.after ?? {}) as Record<string, unknown>;
  const unknown = (change.after_unknown ?? {}) as Record<string, unknown>;
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names].filter((name) => unknown[name] === true || JSON.stringify(before[name]) !== JSON.stringify(after[name])).sort();
}

/** The changes of a plan that are not documented emulator quirks, each as `address: attributes` for a readable failure. */
export function unexpectedChanges(changes: readonly ResourceChange[], emulator: EmulatorName): string[] {
  return changes
    .filter((c) => !(c.change.actions.length === 1 && c.change.actions[0] === 'no-op') && !c.change.actions.includes('read'))
    .flatMap((c) => {
      const isUpdate = c.change.actions.length === 1 && c.change.actions[0] === 'update';
      const attributes = isUpdate ? changedAttributes(c.change) : [];
      const unexplained = attributes.filter((attribute) => {
        const known = KNOWN_DRIFT[emulator].find((k) => k.type === c.type && k.attribute === attribute);
        if (!known) return true;
        const before = (c.change.before as Record<string, unknown>)[attribute];
        const after = (c.change.after as Record<string, unknown>)[attribute];
        return known.same ? !known.same(before, after) : false;
      });
      if (isUpdate && unexplained.length === 0) return [];
      return [`${c.address} (${c.change.actions.join('+')}): ${isUpdate ? unexplained.join(', ') : 'not an in-place update'}`];
    });
}
