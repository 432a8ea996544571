/**
 * Turning zod failures into {@link InvalidInputError}s a person can act on, and zod paths into the dotted form
 * people read (`teams[2].lead`), shared by record factories and the organisation loader.
 */
import type { z } from 'zod';
import { InvalidInputError, type FieldProblem } from './errors';

/** `['teams', 2, 'lead']` → `teams[2].lead`; the empty path is `(root)`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(root)' : out;
}

/** The problems in a zod error, one per issue, with dotted paths. */
export function fieldProblems(error: z.ZodError): FieldProblem[] {
  return error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }));
}

/**
 * Parses `input` with `schema`, or throws an {@link InvalidInputError} whose message names `what` and the first
 * problem, and whose `fields` carry every problem for a form to show next to its inputs.
 */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fields = fieldProblems(result.error);
  const first = fields[0];
  const where = first && first.path !== '(root)' ? ` (${first.path})` : '';
  throw new InvalidInputError(`That ${what} isn't valid${where}: ${first?.message ?? 'unknown problem'}.`, fields);
}
