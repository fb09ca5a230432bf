// A form field: label, control, hint and the server's problem for this field, tied together for screen readers.
import { cloneElement, useId, type ReactElement } from 'react';
import { graphql } from '../gql';

interface Props {
  label: string;
  hint?: string;
  error?: string | null;
  /** A visual marker after the label (e.g. "changed"), left out of the accessible name. */
  mark?: string;
  children: ReactElement<Record<string, unknown>>;
}

export function Field({ label, hint, error, mark, children }: Props) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const control = cloneElement(children, {
    id,
    'aria-describedby': [hintId, errorId].filter(Boolean).join(' ') || undefined,
    'aria-invalid': error ? true : undefined,
  });
  return (
    <div className={`field ${error ? 'field-invalid' : ''}`}>
      <label htmlFor={id}>
        {label}
        {mark && (
          <span className="field-mark" aria-hidden="true">
            {mark}
          </span>
        )}
      </label>
      {control}
      {hint && (
        <div id={hintId} className="field-hint">
          {hint}
        </div>
      )}
      {error && (
        <div id={errorId} className="field-error">
          {error}
        </div>
      )}
    </div>
  );
}

/** What every form reads from an InvalidInputError: spread it as `... on InvalidInputError { ...InvalidInputProblems }`. */
export const InvalidInputProblemsFragment = graphql(`
  fragment InvalidInputProblems on InvalidInputError {
    message
    problems {
      path
      message
    }
  }
`);

/** Problems from an InvalidInputError, by input field path ("hyperparameters.learningRate"). */
export function problemsByPath(problems: readonly { path: readonly string[]; message: string }[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const problem of problems ?? []) {
    const key = problem.path.filter((p) => p !== 'input').join('.');
    out[key] = out[key] ? `${out[key]} ${problem.message}` : problem.message;
  }
  return out;
}
