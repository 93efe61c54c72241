import path from 'node:path';
import { build } from 'esbuild';
import { isNativeBinding, NATIVE_BINDINGS } from './nativeBinding';

export interface Bundle {
  readonly code: Uint8Array;
  /** Every file esbuild read into the code, absolute: sources and node_modules files alike (from its metafile). */
  readonly inputs: readonly string[];
  /** The native bindings left for node to require at run time, each with the file that requires it (absolute). */
  readonly runtimeImports: readonly RuntimeImport[];
}

export interface RuntimeImport {
  readonly specifier: string;
  readonly importer: string;
}

/**
 * Bundles the Lambda entry into a single minified CommonJS file, in memory.
 * @aws-sdk/* is bundled, not external, so the artifact pins its SDK instead of using the runtime's copy.
 */
export async function bundle(entry: string, workingDir: string): Promise<Bundle> {
  const result = await build({
    // Paths esbuild embeds (module keys of bundled CommonJS deps) are relative to this, not to the caller's cwd.
    absWorkingDir: workingDir,
    entryPoints: [path.resolve(workingDir, entry)],
    outfile: 'index.js',
    write: false,
    bundle: true,
    platform: 'node',
    // ESM builds first (esbuild's node default is main first): the @aws-sdk/* and @smithy/* packages' `main` is one
    // pre-bundled dist-cjs file per package that esbuild cannot tree-shake, while their `module` (dist-es, one file per
    // module, sideEffects: false) lets it drop the commands and protocol code the ETL never reaches: -70 KB of zip with
    // the SDK still bundled. Packages with an `exports` map resolve through it either way.
    mainFields: ['module', 'main'],
    target: 'node22',
    format: 'cjs',
    minify: true,
    sourcemap: false,
    legalComments: 'none',
    // Non-ASCII as is (Node reads sources as UTF-8) rather than as \uXXXX escapes, which inflate zod's error locales.
    charset: 'utf8',
    logLevel: 'warning',
    // A .node file cannot be bundled: its require() stays, and the build puts the package beside index.js.
    external: [NATIVE_BINDINGS],
    // the list of files read, so the version check knows what the zip is built from (the code is the same without it)
    metafile: true,
  });
  const [output, ...unexpected] = result.outputFiles;
  if (!output || unexpected.length > 0) {
    throw new Error(`esbuild produced ${result.outputFiles.length} files, expected exactly index.js`);
  }
  const inputs = Object.entries(result.metafile.inputs);
  return {
    code: output.contents,
    inputs: inputs.map(([input]) => path.resolve(workingDir, input)),
    runtimeImports: inputs.flatMap(([input, { imports }]) =>
      imports.filter((i) => i.external && isNativeBinding(i.path)).map((i) => ({ specifier: i.path, importer: path.resolve(workingDir, input) })),
    ),
  };
}
