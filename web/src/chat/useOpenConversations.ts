import { useCallback, useEffect, useState } from 'react';
import { readJson, writeJson } from '../lib/storage';
import type { Contact } from './ContactList';

/** How many conversations can be open side by side. */
export const MAX_PANES = 4;

interface OpenState {
  ids: string[];
  /** The one in front (on a phone, the one shown); null shows the contact list there. */
  active: string | null;
}

function restore(key: string): OpenState {
  const saved = readJson<Partial<OpenState>>(key, {});
  const ids = Array.isArray(saved.ids) ? saved.ids.filter((id) => typeof id === 'string').slice(-MAX_PANES) : [];
  const active = typeof saved.active === 'string' && ids.includes(saved.active) ? saved.active : null;
  return { ids, active };
}

/** The open conversations, kept per user in localStorage so that a reload brings them back. */
export function useOpenConversations(meId: string) {
  const key = `parley.open.${meId}`;
  const [state, setState] = useState<OpenState>(() => restore(key));
  // Grows on every open, also of a conversation already open: its composer takes the focus again.
  const [openCount, setOpenCount] = useState(0);
  useEffect(() => writeJson(key, state), [key, state]);

  const open = useCallback((contact: Contact) => {
    setOpenCount((n) => n + 1);
    setState(({ ids }) => {
      const next = ids.includes(contact.id) ? ids : [...ids, contact.id].slice(-MAX_PANES);
      return { ids: next, active: contact.id };
    });
  }, []);
  const close = useCallback((id: string) => {
    setState(({ ids, active }) => ({ ids: ids.filter((x) => x !== id), active: active === id ? null : active }));
  }, []);
  const back = useCallback(() => setState(({ ids }) => ({ ids, active: null })), []);

  return { openIds: state.ids, activeId: state.active, openCount, open, close, back };
}
