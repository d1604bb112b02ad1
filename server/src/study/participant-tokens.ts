import { createSecretKey, type KeyObject, randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';

/** A study participant, from a token scoped to one participation of one study. */
export interface ParticipantViewer {
  participationId: string;
  studySlug: string;
  participantId: string;
}

const AUDIENCE = 'parley-participant';

/** Participant tokens share the server's secret but not its audience, so neither kind passes for the other. */
export class ParticipantTokens {
  /** A KeyObject made once, as in Tokens: a string secret costs jsonwebtoken a failed createPublicKey per call. */
  private readonly secret: KeyObject;

  constructor(
    secret: string,
    private readonly ttlSeconds: number,
  ) {
    this.secret = createSecretKey(Buffer.from(secret));
  }

  /** A token until `expiresAt` (the participation's end), or for the default lifetime. */
  issue(p: ParticipantViewer, expiresAt?: Date): string {
    const exp = expiresAt ? Math.ceil(expiresAt.getTime() / 1000) : Math.floor(Date.now() / 1000) + this.ttlSeconds;
    return jwt.sign({ study: p.studySlug, pid: p.participantId, exp }, this.secret, {
      subject: p.participationId,
      audience: AUDIENCE,
      jwtid: randomUUID(),
      algorithm: 'HS256',
    });
  }

  verifyHeader(header: unknown): ParticipantViewer | null {
    if (typeof header !== 'string' || !header.trim()) return null;
    try {
      const claims = jwt.verify(header.replace(/^Bearer\s+/i, '').trim(), this.secret, {
        algorithms: ['HS256'],
        audience: AUDIENCE,
      }) as {
        sub?: unknown;
        study?: unknown;
        pid?: unknown;
      };
      if (typeof claims.sub !== 'string' || typeof claims.study !== 'string' || typeof claims.pid !== 'string')
        return null;
      return { participationId: claims.sub, studySlug: claims.study, participantId: claims.pid };
    } catch {
      return null;
    }
  }
}
