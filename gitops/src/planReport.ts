/**
 * The pull-request plan report: terraform's JSON plans of the stacks → markdown with a summary table, a warning for
 * everything destroyed or replaced, and one collapsible section per stack with its resources and plan text. The
 * comment also carries, invisibly, the digest of what it shows (planDigest.ts); after a merge the report says first
 * whether each plan is the one reviewed (reviewedPlan.ts).
 * Pure: the caller reads the plans and posts the result (planComment.ts).
 */
import type { ChangeAction, PlanJson } from '../../infra/src/terraform/terraformCli';
import { digestOf, recordLine, type ReviewRecord } from './planDigest';
import type { ReviewVerdict } from './reviewedPlan';

/** Finds our own comment again among a pull request's comments; invisible in the rendered comment. */
export const REPORT_MARKER = '<!-- analytics-platform:plan-report -->';
/** GitHub refuses longer comment bodies. It counts characters; sizes here are UTF-8 bytes, never fewer. */
export const COMMENT_LIMIT = 65_536;
/** GitHub drops a step summary above 1 MiB. */
export const SUMMARY_LIMIT = 1_048_576;

/** One stack's `terraform show -json` of its saved plan and the plan as `terraform plan` printed it (planText). */
export interface StackPlan {
  readonly stack: string;
  readonly plan: PlanJson;
  readonly text: string;
}

export type Effect = 'add' | 'change' | 'replace' | 'destroy' | 'no-op';
export type ChangeEffect = Exclude<Effect, 'no-op'>;
const COUNTED: readonly ChangeEffect[] = ['add', 'change', 'replace', 'destroy'];
const VERB: Record<ChangeEffect, string> = { add: 'create', change: 'update in place', replace: 'replace', destroy: 'destroy' };

export interface StackSummary {
  readonly stack: string;
  readonly counts: Readonly<Record<Effect, number>>;
  /** Resources that change, in plan order. */
  readonly changes: readonly { readonly address: string; readonly effect: ChangeEffect }[];
  /** Outputs that change (values stay out of the report), in plan order. */
  readonly outputChanges: readonly { readonly name: string; readonly effect: ChangeEffect }[];
  /** Nothing to add, change, replace or destroy, and no output changes either. */
  readonly unchanged: boolean;
}

/** What an action list does to a resource; reads (data sources) and forgets (removed blocks) touch no infrastructure. */
export function effectOf(actions: readonly ChangeAction[]): Effect | undefined {
  switch (actions.join(',')) {
    case 'create':
      return 'add';
    case 'update':
      return 'change';
    case 'delete':
      return 'destroy';
    case 'delete,create':
    case 'create,delete':
      return 'replace';
    case 'no-op':
      return 'no-op';
    default:
      return undefined;
  }
}

export function summarizePlan(stack: string, plan: PlanJson): StackSummary {
  const counts: Record<Effect, number> = { add: 0, change: 0, replace: 0, destroy: 0, 'no-op': 0 };
  const changes: { address: string; effect: ChangeEffect }[] = [];
  for (const resource of plan.resource_changes ?? []) {
    const effect = effectOf(resource.change.actions);
    if (effect === undefined) continue;
    counts[effect]++;
    if (effect !== 'no-op') changes.push({ address: resource.address, effect });
  }
  const outputChanges = Object.entries(plan.output_changes ?? {}).flatMap(([name, change]) => {
    const effect = effectOf(change.actions);
    return effect === undefined || effect === 'no-op' ? [] : [{ name, effect }];
  });
  return { stack, counts, changes, outputChanges, unchanged: changes.length === 0 && outputChanges.length === 0 };
}

export interface ReportOptions {
  /** The artifact holding each stack's plan text as `<stack>.txt`; `<stack>` in the name stands for the stack. */
  readonly artifact: string;
  /** The workflow run whose job summary holds the full report; linked from the comment. */
  readonly runUrl?: string;
  /** The commit the plans are for. */
  readonly commit?: string;
  /** Stacks that should have a plan and have none (their plan job failed); listed right under the table. */
  readonly missing?: readonly string[];
  /** After a merge: each stack's plan compared with the one its pull request showed; said first, above the table. */
  readonly reviewed?: readonly ReviewVerdict[];
}

/** The pull-request comment: marker and record first, fits {@link COMMENT_LIMIT}, per-stack details cut to share what is left. */
export function renderComment(plans: readonly StackPlan[], options: ReportOptions): string {
  return render(plans, options, { comment: true, limit: COMMENT_LIMIT });
}

/** The job summary: the same report with full plans, cut only beyond {@link SUMMARY_LIMIT}. */
export function renderJobSummary(plans: readonly StackPlan[], options: ReportOptions): string {
  return render(plans, options, { comment: false, limit: SUMMARY_LIMIT });
}

/**
 * The report of a commit nothing was planned for (tests failed, or the plan jobs were skipped): it replaces the
 * comment of an earlier commit, whose plans would otherwise pass for this one's.
 */
export function renderNotRun(reason: string, options: Omit<ReportOptions, 'artifact'>): { comment: string; summary: string } {
  const block = alert('CAUTION', [`**No plan for this commit:** ${reason}`, 'Nothing was planned, so there is no plan to review here; plans shown for earlier commits no longer apply.']);
  const report = `${heading(options, [])}\n\n${block}\n`;
  return { comment: `${commentHeader({ commit: options.commit, notRun: reason, stacks: {} })}\n\n${report}`, summary: report };
}

interface Layout {
  /** The comment carries the marker and record, and points to the job summary for what it leaves out. */
  readonly comment: boolean;
  readonly limit: number;
}

export const size = (text: string): number => Buffer.byteLength(text, 'utf8');

/** A GitHub alert: a blockquote whose first line names its kind. */
function alert(kind: 'NOTE' | 'IMPORTANT' | 'WARNING' | 'CAUTION', lines: readonly string[]): string {
  return [`[!${kind}]`, ...lines].map((line) => `> ${line}`).join('\n');
}

function commentHeader(record: ReviewRecord): string {
  return `${REPORT_MARKER}\n${recordLine(record)}`;
}

/**
 * Where the full plan text of `stack` is read (of every stack without one): its file in the artifact, and from the
 * comment also the job summary. Never the binary saved plan: `terraform show` needs the stack's directory to read it.
 */
function planTextAt(options: ReportOptions, layout: Layout, stack?: string): string {
  const artifact = stack === undefined ? options.artifact : options.artifact.replaceAll('<stack>', stack);
  const file = `artifact \`${artifact}\`, file \`${stack ?? '<stack>'}.txt\``;
  if (!layout.comment) return file;
  return `${options.runUrl ? `[job summary](${options.runUrl})` : 'job summary'} or ${file}`;
}

function render(plans: readonly StackPlan[], options: ReportOptions, layout: Layout): string {
  const sorted = [...plans].sort((a, b) => a.stack.localeCompare(b.stack));
  const summaries = sorted.map((p) => summarizePlan(p.stack, p.plan));
  const changing = summaries.filter((s) => !s.unchanged).length;
  const header = layout.comment ? commentHeader({ commit: options.commit, stacks: Object.fromEntries(summaries.map((s) => [s.stack, digestOf(s)])) }) : '';
  const counted = `${changing} of ${summaries.length} stack${summaries.length === 1 ? '' : 's'} with changes`;
  const head = [heading(options, [counted]), reviewedBlocks(options.reviewed ?? []), table(summaries), missingBlock(options.missing ?? [])]
    .filter((part) => part !== '')
    .join('\n\n');
  const top = header === '' ? head : `${header}\n\n${head}`;
  const sections = sorted.map((p, i) => sectionParts(summaries[i]!, p.text, `_… truncated: the full plan text is in the ${planTextAt(options, layout, p.stack)}_`));

  // the warning lists every resource unless that alone would not fit; then it counts them per stack
  const minimal = sections.map((s) => s.open + s.note + CLOSE);
  const fits = (warning: string) => size(join(top, warning, minimal)) <= layout.limit;
  const listed = warningBlock(summaries);
  const warning = fits(listed) ? listed : warningBlock(summaries, planTextAt(options, layout));

  const full = join(top, warning, sections.map(wholeSection));
  if (size(full) <= layout.limit) return full;
  const budget = layout.limit - size(join(top, warning, [])) - 2 * sections.length; // 2: the blank line before each
  const allotments = share(budget, sections.map((s) => size(wholeSection(s))));
  const cut = join(top, warning, sections.map((s, i) => cutSection(s, allotments[i]!)));
  if (size(cut) <= layout.limit) return cut;
  // so many stacks that not even a line each fits: the table and the warning still go out
  const bare = join(top, warning, [`_Per-stack details do not fit here: the full plan texts are in the ${planTextAt(options, layout)}._`]);
  if (size(bare) > layout.limit) throw new Error(`the plan summary of ${plans.length} stacks alone exceeds ${layout.limit} bytes`);
  return bare;
}

function join(head: string, warning: string, sections: readonly string[]): string {
  return `${[head, warning, ...sections].filter((part) => part !== '').join('\n\n')}\n`;
}

function heading(options: Pick<ReportOptions, 'commit' | 'runUrl'>, facts: readonly string[]): string {
  const all = [...(options.commit ? [`commit \`${options.commit.slice(0, 12)}\``] : []), ...facts, ...(options.runUrl ? [`[workflow run](${options.runUrl})`] : [])];
  return `## Terraform plan\n\n${all.join(' · ')}`;
}

/**
 * Never cut, and above the table: prod's approvers must see first when they approve changes the pull request did not
 * show. Differences first, then stacks that could not be compared, then the ones that match.
 */
function reviewedBlocks(verdicts: readonly ReviewVerdict[]): string {
  const blocks: string[] = [];
  const ofCommit = (v: { reviewedCommit?: string }) => (v.reviewedCommit ? ` (plan of commit \`${v.reviewedCommit.slice(0, 12)}\`)` : '');
  const different = verdicts.flatMap((v) => (v.verdict === 'different' ? [v] : []));
  if (different.length > 0) {
    blocks.push(
      alert('CAUTION', [
        `**Not the plan that was reviewed:** ${different.length} stack${different.length === 1 ? ' plans' : 's plan'} other changes than the pull request showed. Approve only what you expect.`,
        ...different.flatMap((v) => [
          `- \`${v.stack}\`, compared with #${v.pullRequest}${ofCommit(v)}:`,
          ...v.added.map((e) => `  - planned now, not reviewed: **${VERB[e.effect]}** \`${e.address}\``),
          ...v.removed.map((e) => `  - reviewed, not planned now: **${VERB[e.effect]}** \`${e.address}\``),
        ]),
      ]),
    );
  }
  const unknown = verdicts.flatMap((v) => (v.verdict === 'unknown' ? [v] : []));
  if (unknown.length > 0) blocks.push(alert('IMPORTANT', ['**Not compared with a reviewed plan:**', ...unknown.map((v) => `- \`${v.stack}\`: ${v.reason}`)]));
  // one pushed commit, one pull request: every match names the same one
  const same = verdicts.flatMap((v) => (v.verdict === 'same' ? [v] : []));
  if (same.length > 0) {
    const stacks = same.map((v) => `\`${v.stack}\``).join(', ');
    blocks.push(alert('NOTE', [`**Same as reviewed in #${same[0]!.pullRequest}**${ofCommit(same[0]!)}: ${stacks} — the same resources and outputs change, with the same actions (attribute values are not compared).`]));
  }
  return blocks.join('\n\n');
}

function table(summaries: readonly StackSummary[]): string {
  const rows = summaries.map(({ stack, counts, unchanged }) => {
    const cells = COUNTED.map((effect) => String(counts[effect]));
    return `| \`${stack}\` | ${cells.join(' | ')} | ${unchanged ? 'no changes' : counts['no-op']} |`;
  });
  return ['| Stack | Add | Change | Replace | Destroy | No-op |', '| :-- | --: | --: | --: | --: | --: |', ...rows].join('\n');
}

/** Never cut: a stack without a plan must not pass for a stack without changes. */
function missingBlock(missing: readonly string[]): string {
  if (missing.length === 0) return '';
  const title = `**No plan for ${missing.length} stack${missing.length === 1 ? '' : 's'}:** the plan job failed; its log in the workflow run says why.`;
  return alert('CAUTION', [title, ...missing.map((stack) => `- \`${stack}\``)]);
}

/** Every destroyed or replaced resource with its stack; or, when that list is too long, how many per stack and `listedIn` where they are. */
function warningBlock(summaries: readonly StackSummary[], listedIn?: string): string {
  const losses = summaries.flatMap((s) => s.changes.filter((c) => c.effect === 'destroy' || c.effect === 'replace').map((c) => ({ stack: s.stack, ...c })));
  if (losses.length === 0) return '';
  const lines =
    listedIn === undefined
      ? losses.map((l) => `- \`${l.stack}\`: **${l.effect}** \`${l.address}\``)
      : [
          ...summaries
            .filter((s) => s.counts.destroy + s.counts.replace > 0)
            .map((s) => `- \`${s.stack}\`: **${s.counts.destroy} destroyed, ${s.counts.replace} replaced**`),
          `- the resources are listed in the ${listedIn}`,
        ];
  const title = `**${losses.length} resource${losses.length === 1 ? '' : 's'} will be destroyed or replaced:**`;
  return alert('WARNING', [title, ...lines]);
}

/** A stack's section in pieces, so it can be cut without breaking its markup. */
interface SectionParts {
  /** `<details><summary>…</summary>` and a blank line. */
  readonly open: string;
  readonly resourceLines: readonly string[];
  readonly fence: string;
  readonly textLines: readonly string[];
  /** What replaces whatever a cut leaves out: where the whole plan text is. */
  readonly note: string;
}

const CLOSE = '\n\n</details>';

function sectionParts(summary: StackSummary, text: string, note: string): SectionParts {
  const counts = COUNTED.filter((e) => summary.counts[e] > 0).map((e) => `${summary.counts[e]} to ${e}`);
  const title = summary.unchanged ? 'no changes' : counts.join(', ') || 'output changes only';
  return {
    open: `<details><summary><code>${summary.stack}</code>: ${title}</summary>\n\n`,
    resourceLines: summary.changes.map((c) => `- ${VERB[c.effect]} \`${c.address}\``),
    fence: fenceFor(text),
    textLines: text.trimEnd().split('\n'),
    note,
  };
}

/** A code fence longer than any backtick run in the text, so the plan cannot end the block early. */
function fenceFor(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  return '`'.repeat(Math.max(3, longest + 1));
}

function body(parts: SectionParts, resourceLines: readonly string[], textLines: readonly string[] | undefined): string {
  const list = resourceLines.length > 0 ? `${resourceLines.join('\n')}\n\n` : '';
  return textLines ? `${list}${parts.fence}text\n${textLines.join('\n')}\n${parts.fence}` : list.trimEnd();
}

function wholeSection(parts: SectionParts): string {
  return parts.open + body(parts, parts.resourceLines, parts.textLines) + CLOSE;
}

/** The section within `allotment` bytes: whole lines of the resource list, then of the plan text, then the note. */
function cutSection(parts: SectionParts, allotment: number): string {
  const whole = wholeSection(parts);
  if (size(whole) <= allotment) return whole;
  const { note } = parts;
  const frame = size(`${parts.open}\n\n${note}${CLOSE}`);
  const resources = prefixWithin(parts.resourceLines, allotment - frame);
  let kept = body(parts, resources, undefined);
  if (resources.length === parts.resourceLines.length) {
    const text = prefixWithin(parts.textLines, allotment - frame - size(body(parts, resources, [])));
    if (text.length > 0) kept = body(parts, resources, text);
  }
  return kept ? `${parts.open}${kept}\n\n${note}${CLOSE}` : `${parts.open}${note}${CLOSE}`;
}

/** The longest prefix of `lines` whose newline-joined size is at most `room`. */
function prefixWithin(lines: readonly string[], room: number): string[] {
  const kept: string[] = [];
  let used = 0;
  for (const line of lines) {
    used += size(line) + 1;
    if (used > room) break;
    kept.push(line);
  }
  return kept;
}

/** Splits `budget` among sections wanting `wants` bytes: small ones get all they want, the rest share equally. */
export function share(budget: number, wants: readonly number[]): number[] {
  const given = wants.map(() => 0);
  let left = budget;
  let waiting = wants.length;
  for (const i of wants.map((_, i) => i).sort((a, b) => wants[a]! - wants[b]!)) {
    given[i] = Math.max(0, Math.min(wants[i]!, Math.floor(left / waiting)));
    left -= given[i]!;
    waiting--;
  }
  return given;
}
