import { CombinedGraphQLErrors } from '@apollo/client';
import { errorMessage } from '../lib/errors';

export interface StudyError {
  code: string | undefined;
  /** extensions.reason: REQUIRED, ATTENTION_CHECK, CHAT_REQUIRED, or why a participant call is FORBIDDEN. */
  reason: string | undefined;
  /** extensions.field: the question (or argument) the error is about. */
  field: string | undefined;
  message: string;
}

/** The first GraphQL error's code, reason and field, with a sentence to show. */
export function studyError(error: unknown): StudyError {
  const first = CombinedGraphQLErrors.is(error) ? error.errors[0] : undefined;
  const ext = first?.extensions ?? {};
  const str = (value: unknown) => (typeof value === 'string' ? value : undefined);
  return {
    code: str(ext.code),
    reason: str(ext.reason),
    field: str(ext.field),
    message: first?.message ?? errorMessage(error),
  };
}

/**
 * Whether the participation can no longer act (ended, out of time, or its token expired): the page should
 * ask the server where it stands rather than show the error.
 */
export const isOver = (problem: StudyError) => problem.code === 'FORBIDDEN' || problem.code === 'UNAUTHENTICATED';
