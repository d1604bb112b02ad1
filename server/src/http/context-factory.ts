import DataLoader from 'dataloader';
import type { Context, Viewer } from '../context';
import type { ChatJobDto } from '../jobs/chat-job.dto';
import type { Services } from '../services';
import type { ParticipantViewer } from '../study/participant-tokens';

/** The caller of an HTTP request or a socket: a user's token, or else a participant's. */
export async function authenticate(services: Services, header: unknown) {
  const viewer = await services.tokens.verifyHeader(header);
  return { viewer, participant: viewer ? null : services.studies.tokens.verifyHeader(header) };
}

/**
 * A context whose DataLoaders are made on first use: most operations (and every idle subscription)
 * never load presence or jobs, so they should not pay for two loaders each.
 */
class OperationContext implements Context {
  readonly participant: ParticipantViewer | null;
  private online?: DataLoader<string, boolean>;
  private jobs?: DataLoader<string, ChatJobDto | null>;

  constructor(
    readonly services: Services,
    readonly viewer: Viewer | null,
    readonly ip: string,
    participant: ParticipantViewer | null,
    readonly requestId: string,
  ) {
    this.participant = viewer ? null : participant;
  }

  get onlineLoader(): DataLoader<string, boolean> {
    const { presence, bots } = this.services;
    this.online ??= new DataLoader(
      async (ids: readonly string[]) => {
        // Bots are online while their endpoint answers; people while they hold a connection.
        const people = await presence.online(ids);
        return ids.map((id, i) => bots.online(id) ?? people[i] ?? false);
      },
      { cache: false },
    );
    return this.online;
  }

  get jobLoader(): DataLoader<string, ChatJobDto | null> {
    const { jobs } = this.services;
    this.jobs ??= new DataLoader((ids: readonly string[]) => jobs.latestForMessages(ids), { cache: false });
    return this.jobs;
  }
}

export function createContext(
  services: Services,
  viewer: Viewer | null,
  ip: string,
  participant: ParticipantViewer | null,
  requestId: string,
): Context {
  return new OperationContext(services, viewer, ip, participant, requestId);
}
