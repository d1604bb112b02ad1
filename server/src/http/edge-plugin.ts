import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLSchema } from 'graphql';
import type { Context } from '../context';
import { checkOperation } from './edge-checks';

/** Apollo's side of the edge checks: a refused operation never reaches execution. */
export function edgeChecksPlugin(schema: GraphQLSchema): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, request }) {
          if (!operation) return; // Apollo answers OPERATION_RESOLUTION_FAILURE itself
          const [error] = checkOperation(schema, document, operation, request.variables);
          // Apollo answers a thrown error alone; the first one says enough.
          if (error) throw error;
        },
      };
    },
  };
}
