import { useSyncExternalStore } from 'react';

/** Whether a CSS media query matches now (e.g. the phone layout), following changes. */
export function useMediaQuery(query: string): boolean {
  return useSyncExternalStore(
    (notify) => {
      const list = window.matchMedia(query);
      list.addEventListener('change', notify);
      return () => list.removeEventListener('change', notify);
    },
    () => window.matchMedia(query).matches,
  );
}

/** The width below which chat and study switch to their phone layout (styles.css says the same). */
export const PHONE_QUERY = '(max-width: 760px)';
