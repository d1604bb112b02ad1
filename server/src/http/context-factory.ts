import DataLoader from 'dataloader';
import type { Context, Viewer } from '../context';
import type { Services } from '../services';

export function createContext(services: Services, viewer: Viewer | null, ip: string): Context {
  return {
    viewer,
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
