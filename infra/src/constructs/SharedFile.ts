import { type ISynthesisSession, Manifest, TerraformStack } from 'cdktf';
// cdktf's own TerraformAsset registers its copy step this way; the package exports only the types
import { addCustomSynthesis } from 'cdktf/lib/synthesize/synthesizer';
import { Construct } from 'constructs';
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';

export interface SharedFileProps {
  /** The file to ship (absolute path). */
  readonly source: string;
  /**
   * Its place under `<outdir>/assets/`, posix separators. Stacks naming the same place share one copy, so the place
   * must change with the content (a digest in it): a place never holds two different files.
   */
  readonly place: string;
}

/** Synths that have already written a place: each later stack of the same synth finds the copy there. */
const written = new WeakMap<ISynthesisSession, Set<string>>();

/**
 * A file that every stack of a synth references from one copy in `<outdir>/assets/`, instead of cdktf's TerraformAsset,
 * which copies (and md5-hashes) the file into each stack's own assets/. The stacks still deploy from the synthesized
 * output as a whole (the workflows download all of cdktf.out and run terraform in cdktf.out/stacks/<stack>), never
 * from one stack directory alone.
 */
export class SharedFile extends Construct {
  /** The copy, relative to the stack's directory (where terraform runs), as terraform arguments take it. */
  readonly path: string;

  constructor(scope: Construct, id: string, props: SharedFileProps) {
    super(scope, id);
    const stack = TerraformStack.of(this);
    // from <outdir>/stacks/<stack id>, where cdktf writes the stack
    this.path = path.posix.relative(path.posix.join(Manifest.stacksFolder, stack.node.id), path.posix.join('assets', props.place));
    addCustomSynthesis(this, {
      onSynthesize: (session: ISynthesisSession) => {
        const target = path.join(session.outdir, 'assets', props.place);
        const places = written.get(session) ?? new Set<string>();
        written.set(session, places);
        if (places.has(target)) return;
        mkdirSync(path.dirname(target), { recursive: true });
        copyFileSync(props.source, target);
        places.add(target);
      },
    });
  }
}
