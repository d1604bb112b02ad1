import { readItem, writeItem } from './storage';

const TOKEN_KEY = 'parley.token';

export function loadToken(): string | null {
  return readItem(TOKEN_KEY);
}

export function saveToken(token: string | null): void {
  writeItem(TOKEN_KEY, token);
}

export function bearer(token: string): string {
  return `Bearer ${token}`;
}
