import { z } from 'zod';

type Path = readonly PropertyKey[];

/** `['regions', 0, 'cidr']` → `regions[0].cidr` */
export function formatPath(path: Path): string {
  return path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)), '');
}

/** The field names an object schema allows at `path`, to say what is allowed when a field is unknown. */
function allowedKeysAt(schema: z.core.$ZodType, path: Path): string[] {
  let current: z.core.$ZodType | undefined = schema;
  for (const key of [...path, undefined]) {
    for (;;) {
      const def = current?._zod.def as { type: string; innerType?: z.core.$ZodType; in?: z.core.$ZodType } | undefined;
      if (def && (def.type === 'optional' || def.type === 'default' || def.type === 'nullable')) current = def.innerType;
      else if (def?.type === 'pipe') current = def.in;
      else break;
    }
    if (key === undefined) break;
    if (current instanceof z.ZodArray) current = current.element;
    else if (current instanceof z.ZodObject) current = current.shape[String(key)];
    else return [];
  }
  return current instanceof z.ZodObject ? Object.keys(current.shape).filter((k) => k !== '$schema') : [];
}

/** Turns zod issues into lines `<file>: <field>: <what is wrong and what is allowed>`. */
export function formatIssues(file: string, schema: z.core.$ZodType, issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      const allowed = allowedKeysAt(schema, issue.path);
      return issue.keys.map(
        (key) => `${file}: ${formatPath([...issue.path, key])}: unknown field; allowed fields here: ${allowed.join(', ')}`,
      );
    }
    return [`${file}: ${formatPath(issue.path) || '(top level)'}: ${issue.message}`];
  });
}

/** Per-parse messages for the cases zod words generically. */
export const issueMessages: z.core.$ZodErrorMap = (issue) => {
  if (issue.code === 'invalid_type') {
    if (issue.input === undefined) return `missing required field (expected ${issue.expected})`;
    if (issue.expected === 'int') return `must be a whole number, not ${JSON.stringify(issue.input)}`;
    return `must be ${issue.expected === 'array' ? 'an' : 'a'} ${issue.expected}, not ${Array.isArray(issue.input) ? 'an array' : typeof issue.input}`;
  }
  return undefined;
};
