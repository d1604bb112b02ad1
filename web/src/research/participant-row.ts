import { graphql } from '../gql';

export const ParticipantRowFields = graphql(`
  fragment ParticipantRowFields on ParticipantRow {
    id
    participantId
    condition
    status
    preview
    currentTask
    taskCount
    startedAt
    consentedAt
    completedAt
    taskTimes {
      taskId
      seconds
    }
    score
    scoreTotal
    attentionFailures
    turns
    tokens
    costUsd
  }
`);
