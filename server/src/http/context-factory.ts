import DataLoader from 'dataloader';
import type { Context, Viewer } from '../context';
import type { Services } from '../services';

export function createContext(services: Services, viewer: Viewer | null, ip: string): Context {
  return {
    viewer,
    ip,
    services,
    onlineLoader: new DataLoader((ids: readonly string[]) => services.presence.online(ids), { cache: false }),
  };
}
