/** Where and why JSON.parse refuses a text, for a `file:line:column: …` message. */
export interface JsonSyntaxError {
  /** 1-based. */
  readonly line: number;
  /** 1-based, in UTF-16 code units as editors count them. */
  readonly column: number;
  /** JSON.parse's own words, without its offset and quoted excerpt (which may span lines). */
  readonly reason: string;
}

/**
 * Locates the error of a text JSON.parse refused. Node 20 gives a character offset for most errors and none for an
 * unexpected token, so JSON.parse itself is asked about prefixes: a prefix that fails only at its end could still
 * grow into valid JSON, and the error is at the last character of the shortest prefix that fails before its end.
 */
export function jsonSyntaxError(text: string, error: Error): JsonSyntaxError {
  let offset = text.trimEnd().length; // when every prefix could still grow, something is missing at the end
  if (failsBeforeEnd(text)) {
    let [low, high] = [0, text.length]; // failsBeforeEnd: false at low, true at high
    while (high - low > 1) {
      const middle = Math.floor((low + high) / 2);
      if (failsBeforeEnd(text.slice(0, middle))) high = middle;
      else low = middle;
    }
    offset = high - 1;
  }
  const lines = text.slice(0, offset).split('\n');
  const reason = error.message.replace(/ at position \d+.*$/s, '').replace(/ in JSON$/, '').replace(/^(Unexpected token .+?), (?:"|\.\.\.").*$/s, '$1');
  return { line: lines.length, column: lines.at(-1)!.length + 1, reason };
}

function failsBeforeEnd(prefix: string): boolean {
  try {
    JSON.parse(prefix);
    return false;
  } catch (error) {
    const { message } = error as Error;
    if (message.startsWith('Unexpected end of JSON input')) return false;
    const position = /at position (\d+)/.exec(message)?.[1];
    return position === undefined || Number(position) < prefix.length;
  }
}
