/**
 * The pull-request plan report: terraform's JSON plans of the stacks → markdown with a summary table, a warning for
 * everything destroyed or replaced, and one collapsible section per stack with its resources and plan text.
 * Pure: the caller reads the plans and posts the result (planComment.ts).
 */
import type { ChangeAction, PlanJson } from '../../infra/src/terraform/terraformCli';

/** Finds our own comment again among a pull request's comments; invisible in the rendered comment. */
export const REPORT_MARKER = '<!-- analytics-platform:plan-report -->';
/** GitHub refuses longer comment bodies. It counts characters; sizes here are UTF-8 bytes, never fewer. */
export const COMMENT_LIMIT = 65_536;
/** GitHub drops a step summary above 1 MiB. */
export const SUMMARY_LIMIT = 1_048_576;

/** One stack's `terraform show -json` and `terraform show` of the same plan file. */
export interface StackPlan {
  readonly stack: string;
  readonly plan: PlanJson;
  readonly text: string;
}

export type Effect = 'add' | 'change' | 'replace' | 'destroy' | 'no-op';
const COUNTED: readonly Exclude<Effect, 'no-op'>[] = ['add', 'change', 'replace', 'destroy'];
const VERB: Record<Exclude<Effect, 'no-op'>, string> = { add: 'create', change: 'update in place', replace: 'replace', destroy: 'destroy' };

export interface StackSummary {
  readonly stack: string;
  readonly counts: Readonly<Record<Effect, number>>;
  /** Resources that change, in plan order. */
  readonly changes: readonly { readonly address: string; readonly effect: Exclude<Effect, 'no-op'> }[];
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
  const changes: { address: string; effect: Exclude<Effect, 'no-op'> }[] = [];
  for (const resource of plan.resource_changes ?? []) {
    const effect = effectOf(resource.change.actions);
    if (effect === undefined) continue;
    counts[effect]++;
    if (effect !== 'no-op') changes.push({ address: resource.address, effect });
  }
  const outputsChange = Object.values(plan.output_changes ?? {}).some((c) => effectOf(c.actions) !== 'no-op');
  return { stack, counts, changes, unchanged: changes.length === 0 && !outputsChange };
}

export interface ReportOptions {
  /** The artifact holding every stack's full plan, named in truncation notes. */
  readonly artifact: string;
  /** The workflow run whose job summary holds the full report; linked from the comment. */
  readonly runUrl?: string;
  /** The commit the plans are for. */
  readonly commit?: string;
  /** Stacks that should have a plan and have none (their plan job failed); listed right under the table. */
  readonly missing?: readonly string[];
}

/** The pull-request comment: marker first, fits {@link COMMENT_LIMIT}, per-stack details cut to share what is left. */
export function renderComment(plans: readonly StackPlan[], options: ReportOptions): string {
  const summary = options.runUrl ? `[job summary](${options.runUrl})` : 'job summary';
  return render(plans, options, { marker: true, limit: COMMENT_LIMIT, fullPlan: `${summary} / artifact \`${options.artifact}\`` });
}

/** The job summary: the same report with full plans, cut only beyond {@link SUMMARY_LIMIT}. */
export function renderJobSummary(plans: readonly StackPlan[], options: ReportOptions): string {
  return render(plans, options, { marker: false, limit: SUMMARY_LIMIT, fullPlan: `artifact \`${options.artifact}\`` });
}

interface Layout {
  readonly marker: boolean;
  readonly limit: number;
  /** Where a reader finds what a truncation left out. */
  readonly fullPlan: string;
}

export const size = (text: string): number => Buffer.byteLength(text, 'utf8');

function render(plans: readonly StackPlan[], options: ReportOptions, layout: Layout): string {
  const sorted = [...plans].sort((a, b) => a.stack.localeCompare(b.stack));
  const summaries = sorted.map((p) => summarizePlan(p.stack, p.plan));
  const head = [...(layout.marker ? [REPORT_MARKER] : []), heading(summaries, options), table(summaries), missingBlock(options.missing ?? [])]
    .filter((part) => part !== '')
    .join('\n\n');
  const note = `_… truncated: full plan in the ${layout.fullPlan}_`;
  const sections = sorted.map((p, i) => sectionParts(summaries[i]!, p.text));

  // the warning lists every resource unless that alone would not fit; then it counts them per stack
  const minimal = sections.map((s) => s.open + note + CLOSE);
  const fits = (warning: string) => size(join(head, warning, minimal)) <= layout.limit;
  const listed = warningBlock(summaries, 'list', layout.fullPlan);
  const warning = fits(listed) ? listed : warningBlock(summaries, 'count', layout.fullPlan);

  const full = join(head, warning, sections.map(wholeSection));
  if (size(full) <= layout.limit) return full;
  const budget = layout.limit - size(join(head, warning, [])) - 2 * sections.length; // 2: the blank line before each
  const allotments = share(budget, sections.map((s) => size(wholeSection(s))));
  const cut = join(head, warning, sections.map((s, i) => cutSection(s, allotments[i]!, note)));
  if (size(cut) <= layout.limit) return cut;
  // so many stacks that not even a line each fits: the table and the warning still go out
  const bare = join(head, warning, [`_Per-stack details do not fit here: full plans in the ${layout.fullPlan}._`]);
  if (size(bare) > layout.limit) throw new Error(`the plan summary of ${plans.length} stacks alone exceeds ${layout.limit} bytes`);
  return bare;
}

function join(head: string, warning: string, sections: readonly string[]): string {
  return `${[head, warning, ...sections].filter((part) => part !== '').join('\n\n')}\n`;
}

function heading(summaries: readonly StackSummary[], options: ReportOptions): string {
  const changing = summaries.filter((s) => !s.unchanged).length;
  const facts = [
    ...(options.commit ? [`commit \`${options.commit.slice(0, 12)}\``] : []),
    `${changing} of ${summaries.length} stack${summaries.length === 1 ? '' : 's'} with changes`,
    ...(options.runUrl ? [`[workflow run](${options.runUrl})`] : []),
  ];
  return `## Terraform plan\n\n${facts.join(' · ')}`;
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
  return ['[!CAUTION]', title, ...missing.map((stack) => `- \`${stack}\``)].map((line) => `> ${line}`).join('\n');
}

/** `list`: every destroyed or replaced resource with its stack; `count`: how many per stack, when the list is too long. */
function warningBlock(summaries: readonly StackSummary[], form: 'list' | 'count', fullPlan: string): string {
  const losses = summaries.flatMap((s) => s.changes.filter((c) => c.effect === 'destroy' || c.effect === 'replace').map((c) => ({ stack: s.stack, ...c })));
  if (losses.length === 0) return '';
  const lines =
    form === 'list'
      ? losses.map((l) => `- \`${l.stack}\`: **${l.effect}** \`${l.address}\``)
      : [
          ...summaries
            .filter((s) => s.counts.destroy + s.counts.replace > 0)
            .map((s) => `- \`${s.stack}\`: **${s.counts.destroy} destroyed, ${s.counts.replace} replaced**`),
          `- the resources are listed in the ${fullPlan}`,
        ];
  const title = `**${losses.length} resource${losses.length === 1 ? '' : 's'} will be destroyed or replaced:**`;
  return ['[!WARNING]', title, ...lines].map((line) => `> ${line}`).join('\n');
}

/** A stack's section in pieces, so it can be cut without breaking its markup. */
interface SectionParts {
  /** `<details><summary>…</summary>` and a blank line. */
  readonly open: string;
  readonly resourceLines: readonly string[];
  readonly fence: string;
  readonly textLines: readonly string[];
}

const CLOSE = '\n\n</details>';

function sectionParts(summary: StackSummary, text: string): SectionParts {
  const counts = COUNTED.filter((e) => summary.counts[e] > 0).map((e) => `${summary.counts[e]} to ${e}`);
  const title = summary.unchanged ? 'no changes' : counts.join(', ') || 'output changes only';
  return {
    open: `<details><summary><code>${summary.stack}</code>: ${title}</summary>\n\n`,
    resourceLines: summary.changes.map((c) => `- ${VERB[c.effect]} \`${c.address}\``),
    fence: fenceFor(text),
    textLines: text.trimEnd().split('\n'),
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
function cutSection(parts: SectionParts, allotment: number, note: string): string {
  const whole = wholeSection(parts);
  if (size(whole) <= allotment) return whole;
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
