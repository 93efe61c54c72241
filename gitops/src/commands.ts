import { applyMatrixCommand } from './applyMatrixCommand';
import type { Command } from './command';
import { copiesCommand } from './copiesCommand';
import { copyCommand } from './copyCommand';
import { deployCommand } from './deployCommand';
import { destroyCommand } from './destroyCommand';
import { emulatorCommand } from './emulatorCommand';
import { environmentCheckCommand } from './environmentCheckCommand';
import { etlFetchCommand } from './etlFetchCommand';
import { etlReleaseCommand } from './etlReleaseCommand';
import { etlVersionCommand } from './etlVersionCommand';
import { gateCommand } from './gateCommand';
import { guardCommand } from './guardCommand';
import { lintWorkflowsCommand } from './lintWorkflowsCommand';
import { driftReportCommand } from './driftReportCommand';
import { matrixCommand } from './matrixCommand';
import { planCommentCommand } from './planComment';
import { planStackCommand } from './planStack';
import { previewCommand } from './previewCommand';
import { previewCommentCommand } from './previewCommentCommand';
import { reapCommand } from './reapCommand';
import { requireMainCommand } from './requireMainCommand';
import { stackOutputsCommand } from './stackOutputsCommand';
import { templatesCommand } from './templatesCommand';

/** Every `npm run gitops -- <name>` command the workflows call. */
export const COMMANDS: Readonly<Record<string, Command>> = {
  matrix: matrixCommand,
  guard: guardCommand,
  copy: copyCommand,
  preview: previewCommand,
  'preview-comment': previewCommentCommand,
  'stack-outputs': stackOutputsCommand,
  templates: templatesCommand,
  gate: gateCommand,
  deploy: deployCommand,
  destroy: destroyCommand,
  copies: copiesCommand,
  reap: reapCommand,
  emulator: emulatorCommand,
  'etl-version': etlVersionCommand,
  'etl-release': etlReleaseCommand,
  'etl-fetch': etlFetchCommand,
  'lint-workflows': lintWorkflowsCommand,
  'drift-report': driftReportCommand,
  'environment-check': environmentCheckCommand,
  'require-main': requireMainCommand,
  plan: planStackCommand,
  'apply-matrix': applyMatrixCommand,
  'plan-comment': planCommentCommand,
};
