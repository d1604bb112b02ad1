import { graphql } from '../gql';

/** A bot's reply job, as every view of it selects it. */
export const JobFields = graphql(`
  fragment JobFields on ChatJob {
    id
    state
    text
    attempts
    replyMessageId
    error {
      code
      message
    }
  }
`);

/** Every place that caches a message selects exactly these fields. */
export const MessageFields = graphql(`
  fragment MessageFields on Message {
    id
    clientId
    body
    createdAt
    readAt
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
