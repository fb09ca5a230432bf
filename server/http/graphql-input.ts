// Refuses documents and values no client needs, before they cost anything: documents nested or long enough to
// exhaust the parser (checked on the raw text, before parsing), NUL characters in any string (PostgreSQL cannot
// store them), and, in production, field-name suggestions in validation errors (they map the schema for an
// attacker when introspection is off); variables that do not fit their types get the code BAD_USER_INPUT.
// One plugin for HTTP, SSE and graphql-ws.
import { GraphQLError, Kind, parse, visit, type DocumentNode, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';

export interface InputLimits {
  /** Most lexical tokens in one document. */
  maxTokens: number;
  /** Most nested `{` `[` `(` in the raw text: far above what maxDepth fields need, far below a stack overflow. */
  maxNesting: number;
  /** Strip "Did you mean …?" from validation errors. */
  hideSuggestions: boolean;
}

const NUL = '\u0000';

export function useInputLimits(limits: InputLimits): Plugin {
  const refuseNul = (args: ExecutionArgs, stop: (result: ExecutionResult) => void) => {
    if (containsNul(args.variableValues) || documentContainsNul(args.document)) {
      stop({ errors: [new GraphQLError('Strings may not contain NUL characters (\\u0000).', { extensions: { code: 'BAD_USER_INPUT' } })] });
    }
  };
  return {
    onParse({ setParseFn }) {
      setParseFn((source, options) => {
        const text = typeof source === 'string' ? source : source.body;
        if (nesting(text) > limits.maxNesting) {
          throw new GraphQLError(`The document nests more than ${limits.maxNesting} levels deep.`, { extensions: { code: 'QUERY_TOO_DEEP' } });
        }
        return parse(source, { ...options, maxTokens: limits.maxTokens });
      });
    },
    onValidate() {
      if (!limits.hideSuggestions) return;
      return ({ result, setResult }) => {
        if (result.length === 0) return;
        setResult(
          result.map((error) =>
            /Did you mean/.test(error.message) ? new GraphQLError(error.message.replace(/ ?Did you mean .*$/, ''), { nodes: error.nodes, extensions: error.extensions }) : error,
          ),
        );
      };
    },
    onExecute({ args, setResultAndStopExecution }) {
      refuseNul(args, setResultAndStopExecution);
      return {
        onExecuteDone({ result, setResult }) {
          if (!isAsyncIterable(result)) setResult(withVariableCodes(result));
        },
      };
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      refuseNul(args, setResultAndStopExecution);
      return {
        onSubscribeResult({ result, setResult }) {
          if (!isAsyncIterable(result)) setResult(withVariableCodes(result));
        },
      };
    },
  };
}

/** graphql-js reports variables that do not fit their types without a code: they are the caller's input. */
function withVariableCodes(result: ExecutionResult): ExecutionResult {
  if (!result.errors?.some(isVariableError)) return result;
  const errors = result.errors.map((error) =>
    isVariableError(error) ? new GraphQLError(error.message, { nodes: error.nodes, extensions: { ...error.extensions, code: 'BAD_USER_INPUT' } }) : error,
  );
  return { ...result, errors };
}

function isVariableError(error: GraphQLError): boolean {
  return error.extensions?.code === undefined && /^Variable "\$/.test(error.message);
}

/** A subscription's stream of results, as opposed to one result. */
export function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof (value as AsyncIterable<unknown> | null)?.[Symbol.asyncIterator] === 'function';
}

/** The deepest nesting of brackets in a GraphQL text, outside strings and comments. */
export function nesting(text: string): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '"') {
      if (text.startsWith('"""', i)) {
        const end = text.indexOf('"""', i + 3);
        i = end < 0 ? text.length : end + 2;
      } else {
        for (i++; i < text.length && text[i] !== '"' && text[i] !== '\n'; i++) if (text[i] === '\\') i++;
      }
    } else if (c === '{' || c === '[' || c === '(') {
      deepest = Math.max(deepest, ++depth);
    } else if (c === '}' || c === ']' || c === ')') {
      depth--;
    }
  }
  return deepest;
}

function containsNul(value: unknown): boolean {
  const stack = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (typeof item === 'string') {
      if (item.includes(NUL)) return true;
    } else if (item && typeof item === 'object') {
      for (const [key, child] of Object.entries(item)) {
        if (key.includes(NUL)) return true;
        stack.push(child);
      }
    }
  }
  return false;
}

function documentContainsNul(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    [Kind.STRING](node) {
      if (node.value.includes(NUL)) found = true;
    },
  });
  return found;
}
