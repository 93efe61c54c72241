import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { previewDecision } from '../src/previewEvent';
import { PR, stepEnv } from './support/actionsEvents';
import { runAsStep } from './support/actionsRun';
import { previewEvent } from './support/previewEvents';

const FORK = { full_name: 'mallory/analytics-platform', fork: true };

describe('previewDecision', () => {
  test.each([
    ['label "preview" added', previewEvent('labeled', { label: 'preview', labels: ['preview'] }), 'deploy'],
    ['new commits on a labelled pull request', previewEvent('synchronize', { labels: ['bug', 'preview'] }), 'deploy'],
    ['a labelled pull request reopened', previewEvent('reopened', { labels: ['preview'] }), 'deploy'],
    ['label "preview" removed', previewEvent('unlabeled', { label: 'preview', labels: [] }), 'destroy'],
    ['a labelled pull request merged', previewEvent('closed', { labels: ['preview'], closed: { merged: true } }), 'destroy'],
    ['a labelled pull request closed unmerged', previewEvent('closed', { labels: ['preview'], closed: { merged: false } }), 'destroy'],
  ])('%s → %s eph-pr-42', (_what, event, action) => {
    expect(previewDecision('pull_request', event)).toMatchObject({ action, pullRequest: PR, suffix: 'eph-pr-42' });
  });

  test.each([
    ['another label added', previewEvent('labeled', { label: 'bug', labels: ['bug', 'preview'] }), 'labelled "bug", not "preview"'],
    ['another label removed', previewEvent('unlabeled', { label: 'bug', labels: ['preview'] }), 'label "bug" removed, not "preview"'],
    ['new commits without the label', previewEvent('synchronize', { labels: ['bug'] }), 'no label "preview"'],
    ['closed without the label', previewEvent('closed', { labels: [], closed: { merged: true } }), 'closed without the label "preview"'],
    ['"preview" added to a closed pull request', previewEvent('labeled', { label: 'preview', labels: ['preview'], closed: { merged: false } }), 'label "preview" added to a closed pull request'],
    ['an edited title', previewEvent('edited', { labels: ['preview'] }), 'event action "edited" never changes a preview'],
  ])('%s → nothing to do', (_what, event, why) => {
    expect(previewDecision('pull_request', event)).toEqual({ action: 'none', pullRequest: PR, why });
  });

  test('the deploy is made by whoever sent the event (the labeller or the pusher), not the author', () => {
    expect(previewDecision('pull_request', previewEvent('labeled', { label: 'preview', labels: ['preview'], sender: 'hubot' }))).toMatchObject({ actor: 'hubot', why: 'label "preview" added' });
  });

  test.each([
    ['labelled', previewEvent('labeled', { label: 'preview', labels: ['preview'], headRepo: FORK })],
    ['pushed to', previewEvent('synchronize', { labels: ['preview'], headRepo: FORK })],
    ['closed', previewEvent('closed', { labels: ['preview'], closed: { merged: false }, headRepo: FORK })],
    ['of a deleted fork', previewEvent('synchronize', { labels: ['preview'], headRepo: null })],
  ])('a fork pull request %s is refused: no OIDC token, no preview', (_what, event) => {
    const decision = previewDecision('pull_request', event);
    expect(decision).toMatchObject({ action: 'none', refused: true });
    expect(decision.why).toMatch(/^refused: pull request #42 comes from (mallory\/analytics-platform|a deleted fork); runs of a fork's pull request get no OIDC token and no secrets, so it gets no preview/);
  });

  test('a fork pull request that never asked for a preview is not refused, just left alone', () => {
    expect(previewDecision('pull_request', previewEvent('synchronize', { labels: [], headRepo: FORK }))).toEqual({ action: 'none', pullRequest: PR, why: 'no label "preview"' });
  });

  test('events Dependabot triggers get no OIDC token either: refused, saying the reaper takes the copy', () => {
    const closed = previewDecision('pull_request', previewEvent('closed', { labels: ['preview'], closed: { merged: false }, sender: 'dependabot[bot]' }));
    expect(closed).toMatchObject({ action: 'none', refused: true, why: expect.stringMatching(/runs what dependabot\[bot\] triggers without an OIDC token, so nothing is destroyed; the reaper destroys eph-pr-42 at its expiry/) });
  });

  test('any other event is a wiring mistake', () => {
    expect(() => previewDecision('push', {})).toThrow(/preview reads a pull_request event, not push/);
  });
});

describe('gitops preview (as a workflow step)', () => {
  const dir = () => mkdtempSync(path.join(os.tmpdir(), 'preview-'));

  test('labelled: outputs action deploy and the copy eph-pr-<number> of the default template, record written with the PR number', async () => {
    const work = dir();
    const out = path.join(work, 'copy.json');
    const run = await runAsStep(['preview', '--out', out], stepEnv(work, previewEvent('labeled', { label: 'preview', labels: ['preview'], sender: 'hubot' })));
    expect(run.code).toBe(0);
    const record = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>;
    expect(record).toEqual({ template: 'dev', suffix: 'eph-pr-42', expiresAt: run.outputs['expires-at'], createdBy: 'hubot', pullRequest: 42 });
    expect(Math.round((Date.parse(String(record.expiresAt)) - Date.now()) / 3_600_000)).toBe(24);
    expect(run.outputs).toMatchObject({ action: 'deploy', environment: 'dev', suffix: 'eph-pr-42' });
    expect(JSON.parse(run.outputs.matrix!).include.map((e: { stack: string }) => e.stack)).toEqual(['eph-pr-42-us-east-1', 'eph-pr-42-eu-west-1', 'eph-pr-42-ap-southeast-1']);
    expect(run.summary).toContain('### deploy preview eph-pr-42 (label "preview" added)');
    expect(run.summary).toMatch(/\*\*Destroy now\*\*: remove the label `preview`, or close the pull request/);
  });

  test('closed: outputs action destroy, the suffix and the template environment; writes no record', async () => {
    const work = dir();
    const out = path.join(work, 'copy.json');
    const run = await runAsStep(['preview', '--out', out], stepEnv(work, previewEvent('closed', { labels: ['preview'], closed: { merged: true } })));
    expect(run).toMatchObject({ code: 0, outputs: { action: 'destroy', suffix: 'eph-pr-42', environment: 'dev', 'copy-role': 'arn:aws:iam::123456789012:role/analytics-deploy-ephemeral-copies', 'copy-region': 'us-east-1' } });
    expect(run.outputs.matrix).toBeUndefined();
    expect(run.summary).toContain('### destroy preview eph-pr-42 (pull request closed)');
    expect(() => readFileSync(out)).toThrow(/ENOENT/);
  });

  test('a fork: action none, the refusal in the summary, the step passes', async () => {
    const work = dir();
    const run = await runAsStep(['preview', '--out', path.join(work, 'copy.json')], stepEnv(work, previewEvent('labeled', { label: 'preview', labels: ['preview'], headRepo: FORK })));
    expect(run).toMatchObject({ code: 0, outputs: { action: 'none' } });
    expect(run.summary).toMatch(/### preview of #42: nothing to do\n\nrefused: pull request #42 comes from mallory\/analytics-platform/);
  });

  test('an unrelated label: action none', async () => {
    const work = dir();
    const run = await runAsStep(['preview'], stepEnv(work, previewEvent('labeled', { label: 'bug', labels: ['bug'] })));
    expect(run).toMatchObject({ code: 0, outputs: { action: 'none' } });
  });

  test('a push event fails the step naming the wiring mistake', async () => {
    const work = dir();
    const run = await runAsStep(['preview'], stepEnv(work, { ref: 'refs/heads/main' }, 'push'));
    expect(run.code).toBe(1);
    expect(run.summary).toMatch(/preview reads a pull_request event, not push/);
  });
});
