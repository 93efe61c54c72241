/** How a regional stack and its state are named: read by the app, the bootstrap and the gitops commands, without cdktf. */

/** The stack name (and cdktf.out/stacks/<name> directory) for one environment × region. */
export function stackName(environment: string, region: string): string {
  return `${environment}-${region}`;
}

/** State object key: one per environment × region so each matrix job locks only its own state. */
export function stateKey(environment: string, region: string): string {
  return `analytics/${environment}/${region}.tfstate`;
}
