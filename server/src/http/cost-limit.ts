import {
  type FragmentDefinitionNode,
  GraphQLError,
  type GraphQLNamedType,
  getNamedType,
  getNullableType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';

/** What one selection costs: root fields reach the database or the model, field resolvers run their own code. */
export const FIELD_COST = { root: 10, resolver: 5, plain: 1 } as const;
/** The size assumed for a list when pricing what is selected inside it. */
export const LIST_FACTOR = 10;

/**
 * A cost limit that knows the schema (GraphQL Armor's counts shapes only): every root field and every
 * field with a resolver costs more than a plain property, and selections inside lists count per item.
 * Each fragment is priced once (memoised, cycle-safe), so a fan-out of spreads costs microseconds to
 * price however large its expansion; introspection is free (it never leaves the process).
 */
export function costLimitRule(maxCost: number, resolverFields: ReadonlySet<string>): ValidationRule {
  return (context: ValidationContext) => {
    const schema = context.getSchema();
    const roots = new Set([schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]);
    const fragments = new Map<string, number>();

    const fragmentCost = (fragment: FragmentDefinitionNode): number => {
      const name = fragment.name.value;
      const known = fragments.get(name);
      if (known !== undefined) return known;
      fragments.set(name, 0); // a cycle (reported by NoFragmentCyclesRule) adds nothing
      const cost = selectionCost(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value));
      fragments.set(name, cost);
      return cost;
    };

    const selectionCost = (set: SelectionSetNode, parent: GraphQLNamedType | undefined | null): number => {
      let total = 0;
      for (const selection of set.selections) {
        if (selection.kind === Kind.FRAGMENT_SPREAD) {
          const fragment = context.getFragment(selection.name.value);
          if (fragment) total += fragmentCost(fragment);
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
          total += selectionCost(selection.selectionSet, type);
        } else {
          const name = selection.name.value;
          if (name.startsWith('__')) continue;
          const field = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
          if (!field || !parent) continue; // unknown fields are FieldsOnCorrectTypeRule's to report
          const own = roots.has(parent as never)
            ? FIELD_COST.root
            : resolverFields.has(`${parent.name}.${name}`)
              ? FIELD_COST.resolver
              : FIELD_COST.plain;
          const inner = selection.selectionSet ? selectionCost(selection.selectionSet, getNamedType(field.type)) : 0;
          total += own + (isListType(getNullableType(field.type)) ? LIST_FACTOR : 1) * inner;
        }
      }
      return total;
    };

    return {
      OperationDefinition(operation) {
        const root = schema.getRootType(operation.operation);
        const cost = selectionCost(operation.selectionSet, root);
        if (cost > maxCost)
          context.reportError(
            new GraphQLError(`The operation costs ${cost}; the limit is ${maxCost}.`, {
              nodes: [operation],
              extensions: { code: 'GRAPHQL_VALIDATION_FAILED', reason: 'MAX_COST' },
            }),
          );
      },
    };
  };
}
