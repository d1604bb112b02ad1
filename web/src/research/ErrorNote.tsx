import { errorMessage } from '../lib/errors';

/** A failed request, said where it happened (role="alert": read out at once). */
export function ErrorNote({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p className="error" role="alert">
      {errorMessage(error)}
    </p>
  );
}
