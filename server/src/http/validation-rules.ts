import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { GraphQLError, type ValidationContext, type ValidationRule } from 'graphql';
import type { Config } from '../config';
import { costLimitRule } from './cost-limit';

export type ArmourLimits = Pick<
  Config,
  'GRAPHQL_MAX_DEPTH' | 'GRAPHQL_MAX_ALIASES' | 'GRAPHQL_MAX_DIRECTIVES' | 'GRAPHQL_MAX_COST'
>;

/**
 * Armor's rules throw by default, which makes graphql-js's validate() throw (a 500 over HTTP, a closed
 * socket over WebSocket): report instead, as the built-in rules do, with a stable code and a reason.
 */
const reported = (reason: string) => ({
  propagateOnRejection: false,
  onReject: [
    (context: ValidationContext | null, error: GraphQLError) =>
      context?.reportError(
        new GraphQLError(error.message.replace(/^Syntax Error: /, ''), {
          extensions: { code: 'GRAPHQL_VALIDATION_FAILED', reason },
        }),
      ),
  ],
});

/** Extra validation for every operation, over HTTP and WebSocket alike, before anything runs. */
export function validationRules(limits: ArmourLimits, resolverFields: ReadonlySet<string>): ValidationRule[] {
  return [
    // Depth counts fields, not fragments (flattened), so the web app's fragments cost it nothing.
    maxDepthRule({ n: limits.GRAPHQL_MAX_DEPTH, flattenFragments: true, ...reported('MAX_DEPTH') }),
    maxAliasesRule({ n: limits.GRAPHQL_MAX_ALIASES, ...reported('MAX_ALIASES') }),
    maxDirectivesRule({ n: limits.GRAPHQL_MAX_DIRECTIVES, ...reported('MAX_DIRECTIVES') }),
    costLimitRule(limits.GRAPHQL_MAX_COST, resolverFields),
  ] as ValidationRule[];
}
