import { graphql } from '../gql';

/** Every place that caches a message selects exactly these fields. */
export const MessageFields = graphql(`
  fragment MessageFields on Message {
    id
    clientId
    body
    createdAt
    readAt
    stopped
    from {
      id
      username
    }
    to {
      id
      username
    }
    job {
      ...JobFields
    }
  }
`);
