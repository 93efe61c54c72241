/**
 * What a pull request's reviewers were shown of each stack's plan, kept so that a later plan of the merged commit can
 * be compared with it: every resource and output that changes, with its effect, sorted by address. Attribute values
 * stay out: they may be sensitive, and "what will be created, replaced, destroyed" is what a reviewer approves.
 *
 * The plan comment carries it as one HTML comment line (invisible when rendered), deflated and base64-encoded so that
 * a whole platform's addresses take a few KB of the comment's 64 KB.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { z } from 'zod';
import { GitopsError } from './errors';
import type { ChangeEffect, StackSummary } from './planReport';

/** One resource (its address) or output (`output.<name>`) that the plan changes. */
export interface DigestEntry {
  readonly address: string;
  readonly effect: ChangeEffect;
}

/** A stack's changes in address order, so two plans of the same changes give equal digests. */
export type PlanDigest = readonly DigestEntry[];

/** What the plan comment records of one pull-request run. */
export interface ReviewRecord {
  /** The pull request's head commit the plans are of. */
  readonly commit?: string;
  /** Each planned stack's digest; a stack without a plan (its plan job failed) is absent. */
  readonly stacks: Readonly<Record<string, PlanDigest>>;
  /** Set when nothing was planned for the commit, saying why. */
  readonly notRun?: string;
}

export function digestOf(summary: StackSummary): PlanDigest {
  const outputs = summary.outputChanges.map((o) => ({ address: `output.${o.name}`, effect: o.effect }));
  // code-unit order, not localeCompare: the same on every machine; an address appears once in a plan
  return [...summary.changes, ...outputs].sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
}

/** What `planned` has that `reviewed` had not (`added`), and the reverse (`removed`); a changed effect is in both. */
export function digestDifference(reviewed: PlanDigest, planned: PlanDigest): { added: PlanDigest; removed: PlanDigest } {
  const key = (e: DigestEntry) => `${e.effect} ${e.address}`;
  const inReviewed = new Set(reviewed.map(key));
  const inPlanned = new Set(planned.map(key));
  return { added: planned.filter((e) => !inReviewed.has(key(e))), removed: reviewed.filter((e) => !inPlanned.has(key(e))) };
}

const RECORD_PREFIX = '<!-- analytics-platform:reviewed-plan v1 ';
const RECORD_LINE = /^<!-- analytics-platform:reviewed-plan v1 ([A-Za-z0-9+/=]*) -->$/m;
/** Far above any real record; keeps a corrupted one from inflating without bound. */
const MAX_RECORD_BYTES = 16 * 1024 * 1024;

const EFFECT = z.enum(['add', 'change', 'replace', 'destroy']);
/** Entries as `[address, effect]` pairs: the names would double the record's size. */
const STORED = z.object({
  commit: z.string().optional(),
  notRun: z.string().optional(),
  stacks: z.record(z.string(), z.array(z.tuple([z.string(), EFFECT]))),
});

/** The record as one line for the comment; never cut, so it goes with the comment's head. */
export function recordLine(record: ReviewRecord): string {
  const stacks = Object.fromEntries(Object.entries(record.stacks).map(([stack, digest]) => [stack, digest.map((e) => [e.address, e.effect])]));
  const json = JSON.stringify({ commit: record.commit, notRun: record.notRun, stacks });
  return `${RECORD_PREFIX}${deflateRawSync(json).toString('base64')} -->`;
}

/** The record in a comment body; undefined when it has none (written before records, or not a plan comment). */
export function readRecord(body: string): ReviewRecord | undefined {
  const match = RECORD_LINE.exec(body);
  if (!match) return undefined;
  let stored: z.infer<typeof STORED>;
  try {
    stored = STORED.parse(JSON.parse(inflateRawSync(Buffer.from(match[1]!, 'base64'), { maxOutputLength: MAX_RECORD_BYTES }).toString('utf8')));
  } catch (error) {
    throw new GitopsError(`the plan comment's reviewed-plan record is unreadable (${(error as Error).message.split('\n')[0]})`);
  }
  const stacks = Object.fromEntries(Object.entries(stored.stacks).map(([stack, pairs]) => [stack, pairs.map(([address, effect]) => ({ address, effect }))]));
  return { commit: stored.commit, notRun: stored.notRun, stacks };
}
