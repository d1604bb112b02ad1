import { type ExecutionResult, GraphQLError, type GraphQLFormattedError } from 'graphql';

type FormatError = (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;

/**
 * The HTTP path's formatting and masking for graphql-ws: each error gets a code first as Apollo gives it
 * (`fallbackCode`, else INTERNAL_SERVER_ERROR), then passes through the same createFormatError.
 */
export function wsErrorFormatter(formatError: FormatError) {
  const one = (error: unknown, fallbackCode = 'INTERNAL_SERVER_ERROR'): GraphQLFormattedError => {
    const graphqlError =
      error instanceof GraphQLError
        ? error
        : new GraphQLError(error instanceof Error ? error.message : String(error), {
            originalError: error instanceof Error ? error : undefined,
          });
    const { http: _http, ...extensions } = graphqlError.extensions ?? {};
    const json = graphqlError.toJSON();
    // graphql-ws wraps what a subscription's source throws without a path: hand over the original.
    const original = graphqlError.originalError instanceof GraphQLError ? graphqlError.originalError : graphqlError;
    return formatError({ ...json, extensions: { ...extensions, code: extensions.code ?? fallbackCode } }, original);
  };
  return {
    one,
    all: (errors: readonly unknown[], fallbackCode?: string) => errors.map((error) => one(error, fallbackCode)),
    result: <T extends ExecutionResult>(result: T) =>
      result.errors ? { ...result, errors: result.errors.map((error) => one(error)) } : result,
  };
}
