import { useQuery } from '@apollo/client/react';
import { graphql } from '../gql';
import type { LimitsQuery } from '../gql/graphql';

const Limits = graphql(`
  query Limits {
    limits {
      maxMessageChars
      maxImagesPerTurn
      maxImageBytes
      maxConversationPage
      typingThrottleSeconds
      typingShownSeconds
    }
  }
`);

export type ServerLimits = LimitsQuery['limits'];

/** The limits the server enforces (the `limits` query, read once per client); null until they arrive. */
export function useLimits(): ServerLimits | null {
  const { data } = useQuery(Limits, { fetchPolicy: 'cache-first' });
  return data?.limits ?? null;
}
