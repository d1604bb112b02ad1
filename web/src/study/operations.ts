import { graphql } from '../gql';

export const StudyInfoQuery = graphql(`
  query StudyInfo($slug: String!) {
    studyInfo(slug: $slug) {
      slug
      title
      description
      askForParticipantId
    }
  }
`);

export const CheckParticipationQuery = graphql(`
  query CheckParticipation($slug: String!, $participantId: String!) {
    checkParticipation(studySlug: $slug, participantId: $participantId)
  }
`);

graphql(`
  fragment ParticipationFields on Participation {
    id
    token
    studySlug
    participantId
    status
    currentTask
    startedAt
    consentedAt
    completedAt
    progress
    deadline
    completionCode
    completionUrl
    study {
      slug
      title
      description
      consent
      timeLimitMinutes
      tasks {
        id
        title
        instructions
        images
        chat
        requireChat
        turnLimit
        questions {
          id
          type
          text
          required
          options
          min
          max
          step
          points
          minLabel
          maxLabel
          maxLength
        }
      }
    }
  }
`);

export const StartParticipationMutation = graphql(`
  mutation StartParticipation($input: StartParticipationInput!) {
    startParticipation(input: $input) {
      ...ParticipationFields
    }
  }
`);

export const MyParticipationQuery = graphql(`
  query MyParticipation {
    myParticipation {
      ...ParticipationFields
    }
  }
`);

export const GiveConsentMutation = graphql(`
  mutation GiveConsent {
    giveConsent {
      ...ParticipationFields
    }
  }
`);

export const DeclineConsentMutation = graphql(`
  mutation DeclineConsent {
    declineConsent {
      ...ParticipationFields
    }
  }
`);

export const SaveTaskAnswersMutation = graphql(`
  mutation SaveTaskAnswers($taskId: String!, $answers: JSON!, $complete: Boolean!) {
    saveTaskAnswers(taskId: $taskId, answers: $answers, complete: $complete) {
      ...ParticipationFields
    }
  }
`);

export const SaveParticipationMutation = graphql(`
  mutation SaveParticipation($input: SaveParticipationInput!) {
    saveParticipation(input: $input) {
      saved
      alreadyExisted
      completionCode
      completionUrl
    }
  }
`);

export const WithdrawParticipationMutation = graphql(`
  mutation WithdrawParticipation {
    withdrawParticipation {
      ...ParticipationFields
    }
  }
`);

export const TaskTurnsQuery = graphql(`
  query TaskTurns($taskId: String!) {
    myParticipation {
      id
      turns(taskId: $taskId) {
        id
        role
        text
        outcome
        images
      }
    }
  }
`);

export const StudySubmitChatMutation = graphql(`
  mutation StudySubmitChat($input: SubmitChatInput!) {
    submitChat(input: $input) {
      ...JobFields
    }
  }
`);
