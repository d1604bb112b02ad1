import { z } from 'zod';
import { badInput } from '../errors';

const username = z
  .string()
  .trim()
  .min(3, 'Username must be 3 to 32 characters.')
  .max(32, 'Username must be 3 to 32 characters.')
  .regex(/^[a-zA-Z0-9_.-]+$/, 'Username may use letters, digits and . _ - only.');
const password = z
  .string()
  .min(8, 'Password must be 8 to 128 characters.')
  .max(128, 'Password must be 8 to 128 characters.');

export function parseCredentials(input: { username: string; password: string }) {
  const result = z.object({ username, password }).safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw badInput(issue?.message ?? 'Invalid credentials.', String(issue?.path[0] ?? ''));
  }
  return result.data;
}
