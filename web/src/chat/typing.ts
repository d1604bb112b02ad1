import { useEffect, useState, useSyncExternalStore } from 'react';

/** Who is writing to me, until when (ms): filled by LiveUpdates from typingChanged, never stored. */
const until = new Map<string, number>();
const listeners = new Set<() => void>();
let version = 0;

const emit = () => {
  version += 1;
  for (const listener of listeners) listener();
};

export function typingSeen(userId: string, expiresInSeconds: number): void {
  until.set(userId, Date.now() + expiresInSeconds * 1000);
  emit();
}

/** Their message arrived: they are no longer writing it. */
export function typingEnded(userId: string): void {
  if (until.delete(userId)) emit();
}

const subscribe = (listener: () => void) => {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
};

/** Whether `userId` is writing to me now. */
export function useIsTyping(userId: string): boolean {
  useSyncExternalStore(subscribe, () => version);
  const end = until.get(userId) ?? 0;
  const [, expire] = useState(0);
  useEffect(() => {
    const left = end - Date.now();
    if (left <= 0) return;
    const timer = setTimeout(() => expire((n) => n + 1), left + 50);
    return () => clearTimeout(timer);
  }, [end]);
  return end > Date.now();
}
