// Expected failures of the domain layer. The schema returns them as typed
// errors (data, not exceptions); anything else thrown is a bug and is masked.

/** `type` is the object's GraphQL type name (the schema turns `id` into the global id clients use). */
export class NotFoundError extends Error {
  override name = 'NotFoundError';
  constructor(
    readonly type: string,
    readonly id: string,
  ) {
    super(NotFoundError.messageFor(type));
  }

  /** No id in the text: the schema gives clients ids in one form only, in fields. */
  static messageFor(type: string): string {
    return `${type} was not found`;
  }
}

export interface FieldProblem {
  path: string[];
  message: string;
}

export class InvalidInputError extends Error {
  override name = 'InvalidInputError';
  constructor(readonly problems: FieldProblem[]) {
    super(problems.map((p) => `${p.path.join('.')}: ${p.message}`).join('; '));
  }
}

/** Throws one InvalidInputError carrying every problem, if there are any. */
export function assertNoProblems(problems: FieldProblem[]): void {
  if (problems.length > 0) throw new InvalidInputError(problems);
}

/** The value of a checked result, or an InvalidInputError with its problems. */
export function unwrap<T>(checked: { ok: true; value: T } | { ok: false; problems: FieldProblem[] }): T {
  if (!checked.ok) throw new InvalidInputError(checked.problems);
  return checked.value;
}
