/** Published when tokens stop working, so every process closes the sockets that used them. */
export interface Revocation {
  userId: string;
  /** One token (logout); absent means every token of the user. */
  jti?: string;
}

export const REVOCATIONS_TOPIC = 'auth:revoked';
