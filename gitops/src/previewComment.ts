/**
 * The preview's one comment on its pull request: what the copy is, until when it lives, how to extend or destroy it,
 * and each region's outputs (from the deploy jobs' `stack-outputs` artifacts). Every deploy rewrites it; the destroy
 * replaces it with a line saying the copy is gone, so outputs of a destroyed copy never look current.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { CopyRecord } from '../../infra/src/config/ephemeralCopy';
import { copyDescription, PREVIEW_INSTRUCTIONS } from './copyRequest';
import { GitopsError } from './errors';
import { PREVIEW_LABEL } from './previewEvent';
import type { StackEntry } from './stackMatrix';
import { stackOutputsSummary } from './stackOutputsSummary';

/** Starts the preview comment; distinct from the plan report's, so each finds its own. */
export const PREVIEW_MARKER = '<!-- analytics-platform:preview -->';

/** `<stack>.json` files under `dir`, also in subfolders (one per downloaded artifact): each stack's outputs. */
export function readStackOutputs(dir: string): Map<string, Record<string, unknown>> {
  const found = new Map<string, Record<string, unknown>>();
  if (!existsSync(dir)) return found;
  for (const file of readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.json')).sort()) {
    const stack = path.basename(file, '.json');
    if (found.has(stack)) throw new GitopsError(`${dir} holds the outputs of ${stack} twice`);
    found.set(stack, JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Record<string, unknown>);
  }
  return found;
}

export interface CommentContext {
  /** The pull request's head commit the copy was deployed from. */
  readonly commit: string;
  readonly runUrl?: string;
}

/** The comment after a deploy: the copy, then each region's outputs, or why a region has none. */
export function renderPreviewComment(record: CopyRecord, stacks: readonly StackEntry[], outputs: ReadonlyMap<string, Record<string, unknown>>, context: CommentContext): string {
  const run = context.runUrl ? `[this run](${context.runUrl})` : 'this run';
  const regions = stacks.map((entry) => {
    const values = outputs.get(entry.stack);
    return values ? stackOutputsSummary(entry.stack, values) : `### ${entry.stack}\n\n:x: No outputs: its deploy job did not finish; ${run} says why.\n`;
  });
  const failed = stacks.filter((entry) => !outputs.has(entry.stack)).length;
  const title = failed === 0 ? `### :rocket: Preview \`${record.suffix}\` deployed` : `### :warning: Preview \`${record.suffix}\`: ${failed} of ${stacks.length} regions not deployed`;
  return [
    PREVIEW_MARKER,
    title,
    '',
    copyDescription(record, stacks.map((entry) => entry.region), PREVIEW_INSTRUCTIONS),
    ...regions,
    `<sub>Commit ${context.commit.slice(0, 12)}, ${run}.</sub>`,
    '',
  ].join('\n');
}

/** The comment once the copy is destroyed. */
export function renderPreviewDestroyed(suffix: string, context: Pick<CommentContext, 'runUrl'>): string {
  const run = context.runUrl ? ` by [this run](${context.runUrl})` : '';
  return [PREVIEW_MARKER, `### Preview \`${suffix}\` destroyed`, '', `Every region of \`${suffix}\` was destroyed${run}. Add the label \`${PREVIEW_LABEL}\` again for a new one.`, ''].join('\n');
}
