/**
 * A validation rule working around the Rust planner (@graphql-hive/router-runtime 1.4), which
 * answers an operation that asks for `__schema` or `__type` beside other root fields with those
 * fields silently null. Until it does not, such an operation is refused with a message saying
 * what to do, not answered wrong. The plugin that adds it is plugins/useIntrospectionAlone.ts.
 */
import { GraphQLError, Kind, type FragmentDefinitionNode, type SelectionSetNode, type ValidationRule } from 'graphql';

export const IntrospectionAloneRule: ValidationRule = (context) => {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of context.getDocument().definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  // the root fields with the fragments and inline fragments at the root written out
  const rootNames = (selectionSet: SelectionSetNode, spread: Set<string>): string[] =>
    selectionSet.selections.flatMap((s) => {
      if (s.kind === Kind.FIELD) return [s.name.value];
      if (s.kind === Kind.INLINE_FRAGMENT) return rootNames(s.selectionSet, spread);
      const fragment = fragments.get(s.name.value);
      if (!fragment || spread.has(s.name.value)) return [];
      spread.add(s.name.value);
      return rootNames(fragment.selectionSet, spread);
    });
  return {
    OperationDefinition(operation) {
      const roots = rootNames(operation.selectionSet, new Set());
      const introspection = roots.some((name) => name === '__schema' || name === '__type');
      if (introspection && roots.some((name) => name !== '__schema' && name !== '__type' && name !== '__typename')) {
        context.reportError(
          new GraphQLError('Ask for __schema or __type in an operation of their own, without other root fields', {
            nodes: operation,
            extensions: { code: 'BAD_USER_INPUT', http: { status: 400, spec: true } },
          }),
        );
      }
      return false;
    },
  };
};
