/**
 * Who a job belongs to: a user, or a study participant (whose jobs are logged as study turns). `requestId` is
 * the operation acting for them (X-Request-Id, or a WebSocket operation's id): their jobs record it.
 */
export type JobOwner = ({ kind: 'user'; userId: string } | { kind: 'participant'; participationId: string }) & {
  requestId?: string;
};

export const ownerKey = (owner: JobOwner) =>
  owner.kind === 'user' ? `user:${owner.userId}` : `participant:${owner.participationId}`;

export const ownerWhere = (owner: JobOwner) =>
  owner.kind === 'user' ? { userId: owner.userId } : { participationId: owner.participationId };

export const owns = (owner: JobOwner, job: { userId: string | null; participationId: string | null }) =>
  owner.kind === 'user' ? job.userId === owner.userId : job.participationId === owner.participationId;
