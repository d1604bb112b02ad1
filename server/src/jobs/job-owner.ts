/** Who a job belongs to: a user, or a study participant (whose jobs are logged as study turns). */
export type JobOwner = { kind: 'user'; userId: string } | { kind: 'participant'; participationId: string };

export const ownerKey = (owner: JobOwner) =>
  owner.kind === 'user' ? `user:${owner.userId}` : `participant:${owner.participationId}`;

export const ownerWhere = (owner: JobOwner) =>
  owner.kind === 'user' ? { userId: owner.userId } : { participationId: owner.participationId };

export const owns = (owner: JobOwner, job: { userId: string | null; participationId: string | null }) =>
  owner.kind === 'user' ? job.userId === owner.userId : job.participationId === owner.participationId;
