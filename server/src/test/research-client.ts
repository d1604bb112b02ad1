import { gql } from './graphql-client';

export const ROW_FIELDS =
  'id participantId condition status preview currentTask taskCount startedAt consentedAt completedAt taskTimes { taskId seconds } score scoreTotal attentionFailures turns tokens costUsd';

export const PAGE = `query($slug: String!, $filter: ParticipantFilter, $sort: ParticipantSort, $direction: SortDirection, $offset: Int, $limit: Int) {
  studyParticipants(slug: $slug, filter: $filter, sort: $sort, direction: $direction, offset: $offset, limit: $limit) {
    total offset limit rows { ${ROW_FIELDS} }
  }
}`;

export const TRANSCRIPT = `query($slug: String!, $id: ID!) {
  participantTranscript(slug: $slug, participationId: $id) {
    participant { ${ROW_FIELDS} }
    tasks { taskId title doneAt answers attentionFailures { questionId answer policy createdAt }
      turns { id role text images systemPrompt sentTurnIds model promptTokens completionTokens latencyMs outcome createdAt } }
  }
}`;

export const CHANGES = `subscription($slug: String!, $previews: Boolean) {
  studyParticipantChanged(slug: $slug, includePreviews: $previews) { participationId deleted row { ${ROW_FIELDS} } }
}`;

export const PREVIEW = `mutation($slug: String!, $condition: String!) {
  startPreview(slug: $slug, condition: $condition) { id token participantId condition status }
}`;

export const DELETE = `mutation($slug: String!, $id: ID!, $confirm: String) {
  deleteParticipation(slug: $slug, participationId: $id, confirmParticipantId: $confirm) { id participantId preview }
}`;

/** One page of a study's participants table, as a researcher. */
export async function participantsPage(url: string, token: string, variables: Record<string, unknown>) {
  const res = await gql(url, PAGE, variables, token);
  if (!res.data?.studyParticipants) throw new Error(`studyParticipants failed: ${JSON.stringify(res.errors)}`);
  return res.data.studyParticipants as { total: number; rows: Record<string, any>[] };
}
