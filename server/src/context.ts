import type DataLoader from 'dataloader';
import { forbidden, unauthenticated } from './errors';
import type { Role } from './generated/prisma/enums';
import type { ChatJobDto } from './jobs/chat-job.dto';
import type { JobOwner } from './jobs/job-owner';
import type { Services } from './services';
import type { ParticipantViewer } from './study/participant-tokens';

/** The authenticated caller, taken from a verified, still-allowed JWT. */
export interface Viewer {
  id: string;
  username: string;
  role: Role;
  jti: string;
  /** Read with the session check, so `me` needs no statement of its own. */
  lastSeenAt: Date | null;
}

export interface Context {
  viewer: Viewer | null;
  /** A study participant, from a participant token (never together with a viewer). */
  participant: ParticipantViewer | null;
  ip: string;
  /** The operation's id in logs (X-Request-Id over HTTP); jobs it creates record it. */
  requestId: string;
  services: Services;
  /** Batches presence look-ups of one operation (or one subscription event); never caches. */
  onlineLoader: DataLoader<string, boolean>;
  /** Batches Message.job look-ups, likewise. */
  jobLoader: DataLoader<string, ChatJobDto | null>;
}

export function requireViewer(ctx: Context): Viewer {
  if (!ctx.viewer) throw unauthenticated();
  return ctx.viewer;
}

export function requireRole(ctx: Context, role: Role): Viewer {
  const viewer = requireViewer(ctx);
  if (viewer.role !== role) throw forbidden(`This needs the ${role} role.`);
  return viewer;
}

export function requireParticipant(ctx: Context): ParticipantViewer {
  if (!ctx.participant) throw unauthenticated('This needs a participant token (from startParticipation).');
  return ctx.participant;
}

/** Model calls may be made by users and by study participants. */
export function requireJobOwner(ctx: Context): JobOwner {
  const { requestId } = ctx;
  if (ctx.participant) return { kind: 'participant', participationId: ctx.participant.participationId, requestId };
  return { kind: 'user', userId: requireViewer(ctx).id, requestId };
}
