/**
 * Runs `fn` and collects the JSON lines written to stdout and stderr meanwhile (Powertools logs and EMF metrics
 * go straight to the streams, not through console). Other output passes through.
 */
export async function captureLogs<T>(fn: () => Promise<T>): Promise<{ result: T; logs: Record<string, unknown>[] }> {
  const logs: Record<string, unknown>[] = [];
  const restore = [process.stdout, process.stderr].map((stream) => {
    const write = stream.write;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      const lines = String(chunk).split('\n').filter((line) => line.startsWith('{'));
      if (lines.length === 0) return (write as (...args: unknown[]) => boolean).call(stream, chunk, ...rest);
      for (const line of lines) logs.push(JSON.parse(line) as Record<string, unknown>);
      return true;
    }) as typeof stream.write;
    return () => {
      stream.write = write;
    };
  });
  try {
    return { result: await fn(), logs };
  } finally {
    for (const undo of restore) undo();
  }
}
