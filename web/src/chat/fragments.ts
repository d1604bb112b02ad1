import { graphql } from '../gql';

/** A person as the contact list and the conversation panes show them (presence included). */
export const ContactFields = graphql(`
  fragment ContactFields on User {
    id
    username
    online
    isBot
    botStatus
    lastSeenAt
    role
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
