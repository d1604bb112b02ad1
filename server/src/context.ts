import type DataLoader from 'dataloader';
import { forbidden, unauthenticated } from './errors';
import type { Role } from './generated/prisma/enums';
import type { ChatJobDto } from './jobs/chat-job.dto';
import type { Services } from './services';

/** The authenticated caller, taken from a verified, still-allowed JWT. */
export interface Viewer {
  id: string;
  username: string;
  role: Role;
  jti: string;
}

export interface Context {
  viewer: Viewer | null;
  ip: string;
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
