import { graphql } from '../gql';

/** A model reply job, as every view of it (chat and study) selects it. */
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

export const JobUpdatedSubscription = graphql(`
  subscription JobUpdated($id: ID!) {
    jobUpdated(id: $id) {
      ...JobFields
    }
  }
`);

export const JobStatusQuery = graphql(`
  query JobStatus($id: ID!) {
    jobStatus(id: $id) {
      ...JobFields
    }
  }
`);

export const CancelChatMutation = graphql(`
  mutation CancelChat($id: ID!) {
    cancelChat(id: $id) {
      ...JobFields
    }
  }
`);

export const RetryChatMutation = graphql(`
  mutation RetryChat($id: ID!) {
    retryChat(id: $id) {
      ...JobFields
    }
  }
`);

export const RegenerateReplyMutation = graphql(`
  mutation RegenerateReply($messageId: ID!) {
    regenerateReply(messageId: $messageId) {
      ...JobFields
    }
  }
`);
