import { useSubscription } from '@apollo/client/react';
import { useRef } from 'react';
import { graphql } from '../gql';
import type { ParticipantChangedSubscription } from '../gql/graphql';

export const ParticipantChangedDocument = graphql(`
  subscription ParticipantChanged($slug: String!, $includePreviews: Boolean!) {
    studyParticipantChanged(slug: $slug, includePreviews: $includePreviews) {
      participationId
      deleted
      row {
        ...ParticipantRowFields
      }
    }
  }
`);

export type ParticipantChange = ParticipantChangedSubscription['studyParticipantChanged'];

/**
 * Follows a study's participant changes. A changed row updates Apollo's cache by itself (ParticipantRow:id);
 * `onChange` hears every event, for what the cache cannot know (a new or deleted row, counts).
 */
export function useParticipantChanges(
  slug: string,
  includePreviews: boolean,
  onChange: (e: ParticipantChange) => void,
) {
  const latest = useRef(onChange);
  latest.current = onChange;
  return useSubscription(ParticipantChangedDocument, {
    variables: { slug, includePreviews },
    onData: ({ data }) => {
      const event = data.data?.studyParticipantChanged;
      if (event) latest.current(event);
    },
  });
}
