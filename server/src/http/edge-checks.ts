import {
  type DocumentNode,
  GraphQLError,
  type GraphQLSchema,
  getVariableValues,
  type OperationDefinitionNode,
} from 'graphql';
import { documentHasBadText, findBadText } from './text-check';

/** graphql-js's own cap on variable errors; past it, its extra error has no code of its own. */
const MAX_VARIABLE_ERRORS = 50;

const refused = (message: string, reason: string, error?: GraphQLError) =>
  new GraphQLError(message, {
    nodes: error?.nodes,
    // A refusal before execution is the client's fault: 400 over HTTP, like a validation failure.
    extensions: { code: 'BAD_USER_INPUT', reason, http: { status: 400 } },
  });

/**
 * Checks made once, at the edge, after validation and before any resolver runs (HTTP and WebSocket):
 * every text in the arguments is clean, and the variables fit their types. Returns the errors, if any.
 */
export function checkOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: unknown,
): GraphQLError[] {
  const badVariable = findBadText(variables ?? {}, '$');
  if (badVariable || documentHasBadText(document))
    return [
      refused(
        `Text may not contain NUL, other control characters or unpaired surrogates${badVariable ? ` (at ${badVariable.slice(0, 200)})` : ''}.`,
        'INVALID_TEXT',
      ),
    ];
  const inputs = variables !== null && typeof variables === 'object' ? (variables as Record<string, unknown>) : {};
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], inputs, {
    maxErrors: MAX_VARIABLE_ERRORS,
  });
  if (coerced.errors)
    return coerced.errors.map((error) =>
      error.nodes?.length
        ? refused(error.message, 'INVALID_VARIABLE', error)
        : refused(error.message, 'TOO_MANY_ERRORS'),
    );
  return [];
}
