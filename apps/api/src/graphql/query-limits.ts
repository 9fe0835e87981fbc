// Limits on what one GraphQL document may ask, checked at validation before
// anything runs: nesting depth, aliases (the cheap way to multiply work) and
// a cost (fields, with list fields counted by their `first`/`limit`).
import { FragmentDefinitionNode, GraphQLError, Kind, SelectionSetNode, ValidationContext, ValidationRule } from 'graphql';

export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  maxCost: number;
}

export const DEFAULT_LIMITS: QueryLimits = { maxDepth: 10, maxAliases: 30, maxCost: 20_000 };

const LIST_SIZE_ARGS = ['first', 'limit'];

export function queryLimitsRule(limits: QueryLimits): ValidationRule {
  return (context: ValidationContext) => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const d of context.getDocument().definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
    let aliases = 0;

    /** Depth and cost of a selection set; fragments are followed once per path (a cycle is graphql's own error). */
    const walk = (set: SelectionSetNode, depth: number, seen: ReadonlySet<string>): { depth: number; cost: number } => {
      let deepest = depth;
      let cost = 0;
      for (const selection of set.selections) {
        if (selection.kind === Kind.FIELD) {
          if (selection.alias) aliases++;
          const size = selection.arguments?.find((a) => LIST_SIZE_ARGS.includes(a.name.value) && a.value.kind === Kind.INT);
          const multiplier = size && size.value.kind === Kind.INT ? Math.max(1, Number(size.value.value)) : 1;
          if (selection.selectionSet) {
            const inner = walk(selection.selectionSet, depth + 1, seen);
            deepest = Math.max(deepest, inner.depth);
            cost += 1 + multiplier * inner.cost;
          } else cost += 1;
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          const inner = walk(selection.selectionSet, depth, seen);
          deepest = Math.max(deepest, inner.depth);
          cost += inner.cost;
        } else {
          const name = selection.name.value;
          const fragment = fragments.get(name);
          if (!fragment || seen.has(name)) continue;
          const inner = walk(fragment.selectionSet, depth, new Set([...seen, name]));
          deepest = Math.max(deepest, inner.depth);
          cost += inner.cost;
        }
      }
      return { depth: deepest, cost };
    };

    return {
      OperationDefinition(node) {
        const { depth, cost } = walk(node.selectionSet, 1, new Set());
        const refuse = (message: string, reason: string) => context.reportError(new GraphQLError(message, { nodes: [node], extensions: { code: 'BAD_USER_INPUT', reason } }));
        if (depth > limits.maxDepth) refuse(`the query is nested ${depth} levels deep; at most ${limits.maxDepth}`, 'QueryTooDeep');
        if (aliases > limits.maxAliases) refuse(`the query uses ${aliases} aliases; at most ${limits.maxAliases}`, 'TooManyAliases');
        if (cost > limits.maxCost) refuse(`the query would cost ${cost}; at most ${limits.maxCost} (fields, times the page sizes of lists)`, 'QueryTooCostly');
      },
    };
  };
}
