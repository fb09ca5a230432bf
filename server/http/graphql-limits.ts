// Limits on what one GraphQL document may ask for: nesting depth, aliases and
// cost. They run as a validation rule, so a document over a limit is refused
// before anything executes, over HTTP and graphql-ws alike.
import {
  GraphQLError,
  Kind,
  type ASTVisitor,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLArgument,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
  type ValueNode,
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
/** A list whose size the document does not state (a variable without a default, no argument) counts as this many. */
const UNSTATED_SIZE = 100;
/** graphql-js's own MaxIntrospectionDepthRule bounds these, and GraphiQL's introspection query nests 15 deep. */
const INTROSPECTION = new Set(['__schema', '__type']);

interface Measure {
  depth: number;
  cost: number;
}

/** The size arguments a field declares, with what the document gave for each. */
type SizeArguments = { given: ValueNode | undefined; argument: GraphQLArgument }[];

/** The arguments the document gives (else all, at their schema defaults); a size it does not state counts as UNSTATED_SIZE. */
function listSize(sizes: SizeArguments, defaults: ReadonlyMap<string, ValueNode>): number {
  const given = sizes.filter((size) => size.given);
  return Math.max(
    ...(given.length ? given : sizes).map(({ given, argument }) => {
      const value = given?.kind === Kind.VARIABLE ? defaults.get(given.name.value) : given;
      if (value?.kind === Kind.INT) return Number(value.value);
      return typeof argument.defaultValue === 'number' ? argument.defaultValue : UNSTATED_SIZE;
    }),
  );
}

function rejection(code: string, message: string, node: OperationDefinitionNode | undefined): GraphQLError {
  return new GraphQLError(message, { nodes: node, extensions: { code } });
}

export function queryLimitsRule(limits: QueryLimits): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    let aliases = 0;
    const sizes = new Map<FieldNode, SizeArguments>();

    function measureOperation(operation: OperationDefinitionNode): Measure {
      const defaults = new Map<string, ValueNode>();
      for (const variable of operation.variableDefinitions ?? []) {
        if (variable.defaultValue) defaults.set(variable.variable.name.value, variable.defaultValue);
      }
      // Each fragment is measured once per operation, so spreading one many times costs nothing to check.
      const fragments = new Map<string, Measure>();
      const measureFragment = (fragment: FragmentDefinitionNode | null | undefined): Measure => {
        if (!fragment) return { depth: 0, cost: 0 };
        const name = fragment.name.value;
        let measure = fragments.get(name);
        if (!measure) {
          // A fragment that spreads itself is another rule's error: count the cycle as nothing.
          fragments.set(name, { depth: 0, cost: 0 });
          measure = measureSet(fragment.selectionSet);
          fragments.set(name, measure);
        }
        return measure;
      };
      const measureSet = (set: SelectionSetNode): Measure => {
        const total = { depth: 0, cost: 0 };
        for (const selection of set.selections) {
          let part: Measure;
          if (selection.kind === Kind.FIELD) {
            if (INTROSPECTION.has(selection.name.value)) continue;
            const below = selection.selectionSet ? measureSet(selection.selectionSet) : { depth: 0, cost: 0 };
            const size = sizes.has(selection) ? listSize(sizes.get(selection)!, defaults) : 1;
            part = { depth: below.depth + 1, cost: 1 + size * below.cost };
          } else if (selection.kind === Kind.INLINE_FRAGMENT) part = measureSet(selection.selectionSet);
          else part = measureFragment(context.getFragment(selection.name.value));
          total.depth = Math.max(total.depth, part.depth);
          total.cost += part.cost;
        }
        return total;
      };
      return measureSet(operation.selectionSet);
    }

    return {
      Field(node) {
        if (node.alias) aliases += 1;
        const declared = context.getFieldDef()?.args.filter((argument) => SIZE_ARGUMENTS.has(argument.name)) ?? [];
        if (declared.length) sizes.set(node, declared.map((argument) => ({ argument, given: node.arguments?.find((a) => a.name.value === argument.name)?.value })));
      },
      Document: {
        leave(document) {
          const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
          if (aliases > limits.maxAliases) {
            context.reportError(rejection('TOO_MANY_ALIASES', `The document has ${aliases} aliases; at most ${limits.maxAliases} are allowed.`, operations[0]));
          }
          for (const operation of operations) {
            const { depth, cost } = measureOperation(operation);
            if (depth > limits.maxDepth) {
              context.reportError(rejection('QUERY_TOO_DEEP', `The operation nests fields ${depth} deep; at most ${limits.maxDepth} levels are allowed.`, operation));
            }
            if (cost > limits.maxCost) {
              const about = `The operation may return about ${Math.round(cost).toLocaleString('en')} values; at most ${limits.maxCost.toLocaleString('en')} are allowed.`;
              context.reportError(rejection('QUERY_TOO_COSTLY', `${about} Ask for smaller pages (first, maxPoints) or fewer fields.`, operation));
            }
          }
        },
      },
    };
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
