import path from 'node:path';
import { build } from 'esbuild';

/**
 * Bundles the Lambda entry into a single minified CommonJS file, in memory.
 * @aws-sdk/* is bundled, not external, so the artifact pins its SDK instead of using the runtime's copy.
 */
export async function bundle(entry: string, workingDir: string): Promise<Uint8Array> {
  const result = await build({
    // Paths esbuild embeds (module keys of bundled CommonJS deps) are relative to this, not to the caller's cwd.
    absWorkingDir: workingDir,
    entryPoints: [path.resolve(workingDir, entry)],
    outfile: 'index.js',
    write: false,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    minify: true,
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'warning',
  });
  const [output, ...unexpected] = result.outputFiles;
  if (!output || unexpected.length > 0) {
    throw new Error(`esbuild produced ${result.outputFiles.length} files, expected exactly index.js`);
  }
  return output.contents;
}
