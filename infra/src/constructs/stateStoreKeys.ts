/**
 * What the state bucket holds besides the states, by key prefix: read by the StateStore construct, the bootstrap's
 * permissions and the gitops commands. Kept apart from the construct so that the commands load no cdktf.
 */

/** Where saved plans live in the state bucket, apart from the state: the lifecycle expires them, the plan role writes them. */
export const SAVED_PLANS_PREFIX = 'plans/';

/** One environment's saved plans: the only ones its deploy role may read. */
export function savedPlansPrefix(environment: string): string {
  return `${SAVED_PLANS_PREFIX}${environment}/`;
}

/**
 * One environment's records of the commit last applied to each of its stacks (`gitops deploy` refuses an older one):
 * kept with the state, written only by that environment's deploy role.
 */
export function appliedCommitsPrefix(environment: string): string {
  return `applied/${environment}/`;
}
