// Limits on what one GraphQL operation may ask for: nesting depth, aliases and
// cost. Depth and aliases do not depend on variables, so they run as a
// validation rule. Cost does: a list's size may come from `variables`, so it is
// measured from the coerced variable values just before the operation runs,
// and an operation over the limit, or with a list size of zero or less, is
// refused before anything executes. Both live in one Yoga plugin,
// useQueryLimits, which covers HTTP (GET, POST), SSE and graphql-ws alike:
// graphql-ws runs operations through Yoga's envelop (server/app/app.ts), so the
// same validate, execute and subscribe hooks see them.
import {
  getArgumentValues,
  getNamedType,
  getVariableValues,
  GraphQLError,
  isInterfaceType,
  isObjectType,
  Kind,
  type ASTVisitor,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';

export interface QueryLimits {
  /** Deepest nesting of fields, `{ me { id } }` being 2. */
  maxDepth: number;
  /** Aliased fields in one document. */
  maxAliases: number;
  /** Most values the result may hold: each field counts once per item of every list above it. */
  maxCost: number;
}

/** Arguments that say how many items a list field returns. */
const SIZE_ARGUMENTS = new Set(['first', 'last', 'maxPoints']);
/** A list whose size the operation does not state (no argument, no default, a null variable) counts as this many. */
const UNSTATED_SIZE = 100;
/** graphql-js's own MaxIntrospectionDepthRule bounds these, and GraphiQL's introspection query nests 15 deep. */
const INTROSPECTION = new Set(['__schema', '__type']);

/**
 * Over HTTP these answer as validation errors do: 200 for `application/json`,
 * 400 for `application/graphql-response+json` (Yoga reads and strips `http`).
 */
function rejection(code: string, message: string, nodes: OperationDefinitionNode | FieldNode | undefined): GraphQLError {
  return new GraphQLError(message, { nodes, extensions: { code, http: { spec: true, status: 400 } } });
}

/** Depth and aliases: a validation rule, as they do not depend on variables. */
export function queryLimitsRule(limits: Pick<QueryLimits, 'maxDepth' | 'maxAliases'>): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    let aliases = 0;

    function depthOf(operation: OperationDefinitionNode): number {
      // Each fragment is measured once per operation, so spreading one many times costs nothing to check.
      const fragments = new Map<string, number>();
      const fragmentDepth = (fragment: FragmentDefinitionNode | null | undefined): number => {
        if (!fragment) return 0;
        const name = fragment.name.value;
        let depth = fragments.get(name);
        if (depth === undefined) {
          // A fragment that spreads itself is another rule's error: count the cycle as nothing.
          fragments.set(name, 0);
          depth = setDepth(fragment.selectionSet);
          fragments.set(name, depth);
        }
        return depth;
      };
      const setDepth = (set: SelectionSetNode): number => {
        let deepest = 0;
        for (const selection of set.selections) {
          let depth: number;
          if (selection.kind === Kind.FIELD) {
            if (INTROSPECTION.has(selection.name.value)) continue;
            depth = 1 + (selection.selectionSet ? setDepth(selection.selectionSet) : 0);
          } else if (selection.kind === Kind.INLINE_FRAGMENT) depth = setDepth(selection.selectionSet);
          else depth = fragmentDepth(context.getFragment(selection.name.value));
          deepest = Math.max(deepest, depth);
        }
        return deepest;
      };
      return setDepth(operation.selectionSet);
    }

    return {
      Field(node) {
        if (node.alias) aliases += 1;
      },
      Document: {
        leave(document) {
          const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
          if (aliases > limits.maxAliases) {
            context.reportError(rejection('TOO_MANY_ALIASES', `The document has ${aliases} aliases; at most ${limits.maxAliases} are allowed.`, operations[0]));
          }
          for (const operation of operations) {
            const depth = depthOf(operation);
            if (depth > limits.maxDepth) {
              context.reportError(rejection('QUERY_TOO_DEEP', `The operation nests fields ${depth} deep; at most ${limits.maxDepth} levels are allowed.`, operation));
            }
          }
        },
      },
    };
  };
}

/** The operation `operationName` picks, as graphql-js's execute picks it; undefined when it picks none (execute reports that). */
function pickOperation(document: DocumentNode, operationName: string | null | undefined): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (operationName) return operations.find((o) => o.name?.value === operationName);
  return operations.length === 1 ? operations[0] : undefined;
}

/**
 * The one cost rule, for every transport: sizes each list from the operation's
 * arguments with the variables as sent (coerced as execute will coerce them),
 * and answers the errors that refuse it: BAD_USER_INPUT for each size of zero
 * or less, else QUERY_TOO_COSTLY when over the limit; [] when it may run.
 * Variables that do not coerce, or a document execute cannot run, are left for
 * execute to report (nothing runs then either).
 */
export function queryCostErrors(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | null | undefined,
  operationName: string | null | undefined,
  limits: Pick<QueryLimits, 'maxCost'>,
): GraphQLError[] {
  const operation = pickOperation(document, operationName);
  if (!operation) return [];
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {}, { maxErrors: 1 });
  if (coerced.errors) return [];
  const variableValues = coerced.coerced;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);

  const badSizes: GraphQLError[] = [];
  /** Seen already: a field node reached through a fragment spread many times is reported once. */
  const reported = new Set<FieldNode>();

  const listSize = (field: FieldNode, parent: GraphQLNamedType): number => {
    if (!isObjectType(parent) && !isInterfaceType(parent)) return 1;
    const definition = parent.getFields()[field.name.value];
    const declared = definition?.args.filter((a) => SIZE_ARGUMENTS.has(a.name)) ?? [];
    if (!definition || !declared.length) return 1;
    let values: Record<string, unknown>;
    try {
      values = getArgumentValues(definition, field, variableValues);
    } catch {
      return 1; // execute reports it
    }
    const sizes = declared.map((a) => ({ name: a.name, value: values[a.name] })).filter((s): s is { name: string; value: number } => typeof s.value === 'number');
    for (const { name, value } of sizes) {
      if (value <= 0 && !reported.has(field)) {
        reported.add(field);
        const where = field.alias ? `${field.alias.value}: ${field.name.value}` : field.name.value;
        badSizes.push(
          new GraphQLError(`\`${name}\` on \`${where}\` must be 1 or more; got ${value}.`, {
            nodes: field,
            extensions: { code: 'BAD_USER_INPUT', argument: name, http: { spec: true, status: 400 } },
          }),
        );
      }
    }
    return sizes.length ? Math.max(...sizes.map((s) => s.value)) : UNSTATED_SIZE;
  };

  // Each fragment is measured once, so a fragment spread many times is cheap to check.
  const fragmentCosts = new Map<string, number>();
  const fragmentCost = (name: string): number => {
    let cost = fragmentCosts.get(name);
    if (cost === undefined) {
      const fragment = fragments.get(name);
      const type = fragment && schema.getType(fragment.typeCondition.name.value);
      fragmentCosts.set(name, 0); // a cycle is a validation error; count it as nothing
      cost = fragment && type ? setCost(fragment.selectionSet, type) : 0;
      fragmentCosts.set(name, cost);
    }
    return cost;
  };
  const setCost = (set: SelectionSetNode, parent: GraphQLNamedType): number => {
    let total = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if (INTROSPECTION.has(selection.name.value)) continue;
        let below = 0;
        if (selection.selectionSet && (isObjectType(parent) || isInterfaceType(parent))) {
          const definition = parent.getFields()[selection.name.value];
          if (definition) below = setCost(selection.selectionSet, getNamedType(definition.type));
        }
        total += 1 + listSize(selection, parent) * below;
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        if (type) total += setCost(selection.selectionSet, type);
      } else total += fragmentCost(selection.name.value);
    }
    return total;
  };

  const root = schema.getRootType(operation.operation);
  if (!root) return [];
  const cost = setCost(operation.selectionSet, root);
  if (badSizes.length) return badSizes;
  if (cost > limits.maxCost) {
    const about = `The operation may return about ${Math.round(cost).toLocaleString('en')} values; at most ${limits.maxCost.toLocaleString('en')} are allowed.`;
    return [rejection('QUERY_TOO_COSTLY', `${about} Ask for smaller pages (first, maxPoints) or fewer fields.`, operation)];
  }
  return [];
}

/**
 * Depth, alias and cost limits as one Yoga plugin. Depth and aliases join the
 * validation of every document; cost is checked as the operation starts
 * (execute for queries and mutations, subscribe for subscriptions), where the
 * variables are known, and a refused operation ends with its errors as its only
 * result, nothing having run.
 */
export function useQueryLimits(limits: QueryLimits): Plugin {
  const rule = queryLimitsRule(limits);
  const check = (args: ExecutionArgs, stop: (result: ExecutionResult) => void) => {
    const errors = queryCostErrors(args.schema, args.document, args.variableValues as Record<string, unknown> | null | undefined, args.operationName, limits);
    if (errors.length) stop({ errors });
  };
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(rule);
    },
    onExecute({ args, setResultAndStopExecution }) {
      check(args, setResultAndStopExecution);
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      check(args, setResultAndStopExecution);
    },
  };
}

/**
 * Validation rules as a Yoga plugin: they join the validation of every document, over HTTP and
 * graphql-ws alike (Yoga's disable-introspection plugin, by contrast, only sees HTTP requests).
 */
export function useValidationRules(rules: ValidationRule[]): Plugin {
  return {
    onValidate({ addValidationRule }) {
      for (const rule of rules) addValidationRule(rule);
    },
  };
}
