import {
  type DocumentNode,
  type ExecutionArgs,
  GraphQLError,
  type GraphQLSchema,
  getOperationAST,
  parse,
  specifiedRules,
  type ValidationRule,
  validate,
} from 'graphql';
import type { DocumentCache } from './document-cache';
import { checkOperation } from './edge-checks';

export interface WsOperationPayload {
  query?: unknown;
  operationName?: unknown;
  variables?: unknown;
}

/** A refusal with the code Apollo would give it over HTTP. */
const coded = (error: GraphQLError, code: string) =>
  new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    extensions: { ...error.extensions, code },
  });

/**
 * What graphql-ws would do with a subscribe message (parse, validate), plus everything Apollo does at the
 * edge over HTTP: the token limit, the armour rules and the edge checks. Never throws: a throw would close
 * the socket with 4500. Returns the arguments to execute, or the errors to answer.
 */
export function prepareWsOperation(
  schema: GraphQLSchema,
  payload: WsOperationPayload,
  options: { maxTokens: number; rules: readonly ValidationRule[]; cache?: DocumentCache },
): { args: ExecutionArgs } | { errors: GraphQLError[] } {
  if (typeof payload.query !== 'string')
    return { errors: [coded(new GraphQLError('The operation has no query.'), 'BAD_REQUEST')] };
  let document = options.cache?.get(payload.query);
  if (!document) {
    const checked = parseAndValidate(schema, payload.query, options);
    if ('errors' in checked) return checked;
    document = checked.document;
    options.cache?.set(payload.query, document);
  }
  const operationName = typeof payload.operationName === 'string' ? payload.operationName : undefined;
  const operation = getOperationAST(document, operationName);
  if (!operation)
    return {
      errors: [coded(new GraphQLError('Unable to identify the operation to run.'), 'OPERATION_RESOLUTION_FAILURE')],
    };
  const refused = checkOperation(schema, document, operation, payload.variables);
  if (refused.length) return { errors: refused };
  const variableValues =
    payload.variables !== null && typeof payload.variables === 'object'
      ? (payload.variables as Record<string, unknown>)
      : undefined;
  return { args: { schema, document, operationName, variableValues } };
}

/** Parse and validation depend only on the query text (the schema and rules are fixed), so they can be cached. */
function parseAndValidate(
  schema: GraphQLSchema,
  query: string,
  options: { maxTokens: number; rules: readonly ValidationRule[] },
): { document: DocumentNode } | { errors: GraphQLError[] } {
  let document: DocumentNode;
  try {
    document = parse(query, { maxTokens: options.maxTokens });
  } catch (error) {
    const parseError = error instanceof GraphQLError ? error : new GraphQLError(String(error));
    return { errors: [coded(parseError, 'GRAPHQL_PARSE_FAILED')] };
  }
  const invalid = validate(schema, document, [...specifiedRules, ...options.rules]);
  if (invalid.length) return { errors: invalid.map((error) => coded(error, 'GRAPHQL_VALIDATION_FAILED')) };
  return { document };
}
