import { graphql } from '../gql';
import type { ResearchStudiesQuery } from '../gql/graphql';

export const ResearchStudiesDocument = graphql(`
  query ResearchStudies {
    studies {
      slug
      title
      opened
      declined
      tokenBudget
      medianSeconds
      conditions {
        condition
        started
        completed
        returned
        timedOut
        screenedOut
        medianSeconds
      }
    }
  }
`);

export type Study = ResearchStudiesQuery['studies'][number];
