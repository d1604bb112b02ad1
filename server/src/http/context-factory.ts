import DataLoader from 'dataloader';
import type { Context, Viewer } from '../context';
import type { Services } from '../services';
import type { ParticipantViewer } from '../study/participant-tokens';

/** The caller of an HTTP request or a socket: a user's token, or else a participant's. */
export async function authenticate(services: Services, header: unknown) {
  const viewer = await services.tokens.verifyHeader(header);
  return { viewer, participant: viewer ? null : services.studies.tokens.verifyHeader(header) };
}

export function createContext(
  services: Services,
  viewer: Viewer | null,
  ip: string,
  participant: ParticipantViewer | null = null,
): Context {
  return {
    viewer,
    participant: viewer ? null : participant,
    ip,
    services,
    onlineLoader: new DataLoader(
      async (ids: readonly string[]) => {
        // Bots are online while their endpoint answers; people while they hold a connection.
        const people = await services.presence.online(ids);
        return ids.map((id, i) => services.bots.online(id) ?? people[i] ?? false);
      },
      { cache: false },
    ),
    jobLoader: new DataLoader((ids: readonly string[]) => services.jobs.latestForMessages(ids), { cache: false }),
  };
}
