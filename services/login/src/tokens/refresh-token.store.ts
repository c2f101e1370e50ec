import { Inject, Injectable, Logger } from '@nestjs/common';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { LOGIN_CONFIG, LoginConfig } from '../config';
import { PrismaService } from '../database/prisma.service';
import { Prisma } from '../generated/prisma/client';

export interface IssuedRefreshToken {
  /** Opaque: 256 random bits, base64url. Only its SHA-256 is stored. */
  refreshToken: string;
  /** Lifetime in seconds. */
  refreshTokenExpiresIn: number;
}

export type RotationResult =
  | { outcome: 'rotated'; userId: string; token: IssuedRefreshToken }
  | { outcome: 'reused'; userId: string; familyId: string }
  | { outcome: 'unknown' | 'expired' | 'revoked' };

export type RevocationReason = 'logout' | 'reuse-detected';

export function hashRefreshToken(value: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(createHash('sha256').update(value).digest());
}

/**
 * Refresh tokens in families: a login starts a family; every exchange marks the presented token
 * used and issues the next one in the same family. A token presented a second time means two
 * parties hold it, so the whole family (the thief's and the user's sessions) is revoked.
 */
@Injectable()
export class RefreshTokenStore {
  private readonly logger = new Logger(RefreshTokenStore.name);

  constructor(
    private readonly db: PrismaService,
    @Inject(LOGIN_CONFIG) private readonly config: LoginConfig,
  ) {}

  async startFamily(userId: string): Promise<IssuedRefreshToken> {
    const familyId = randomUUID();
    const { value, data } = this.nextToken(familyId);
    await this.db.refreshTokenFamily.create({ data: { id: familyId, userId, tokens: { create: { id: data.id, tokenHash: data.tokenHash, expiresAt: data.expiresAt } } } });
    return this.issued(value);
  }

  /** Exchanges a token for the next one of its family, or says why it cannot. */
  async rotate(value: string): Promise<RotationResult> {
    const result = await this.db.$transaction(async (tx): Promise<RotationResult> => {
      const found = await tx.refreshToken.findUnique({ where: { tokenHash: hashRefreshToken(value) }, include: { family: true } });
      if (!found) return { outcome: 'unknown' };
      if (found.family.revokedAt) return { outcome: 'revoked' };
      const reused = { outcome: 'reused', userId: found.family.userId, familyId: found.familyId } as const;
      if (found.usedAt) {
        await revokeFamily(tx, found.familyId, 'reuse-detected');
        return reused;
      }
      if (found.expiresAt.getTime() <= Date.now()) return { outcome: 'expired' };
      // Conditional update: of two concurrent exchanges of one token, exactly one claims it.
      const claimed = await tx.refreshToken.updateMany({ where: { id: found.id, usedAt: null }, data: { usedAt: new Date() } });
      if (claimed.count === 0) {
        await revokeFamily(tx, found.familyId, 'reuse-detected');
        return reused;
      }
      const { value: next, data } = this.nextToken(found.familyId);
      await tx.refreshToken.create({ data });
      return { outcome: 'rotated', userId: found.family.userId, token: this.issued(next) };
    });
    if (result.outcome === 'reused') {
      this.logger.warn({ userId: result.userId, familyId: result.familyId }, 'refresh token reused: token family revoked');
    }
    return result;
  }

  /** Revokes the family of the token; false when the token is unknown. */
  async revokeFamilyOf(value: string, reason: RevocationReason): Promise<boolean> {
    const found = await this.db.refreshToken.findUnique({ where: { tokenHash: hashRefreshToken(value) }, select: { familyId: true } });
    if (!found) return false;
    await revokeFamily(this.db, found.familyId, reason);
    return true;
  }

  private nextToken(familyId: string) {
    const value = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + this.config.REFRESH_TOKEN_TTL);
    return { value, data: { id: randomUUID(), familyId, tokenHash: hashRefreshToken(value), expiresAt } };
  }

  private issued(refreshToken: string): IssuedRefreshToken {
    return { refreshToken, refreshTokenExpiresIn: Math.floor(this.config.REFRESH_TOKEN_TTL / 1000) };
  }
}

async function revokeFamily(db: Prisma.TransactionClient, familyId: string, reason: RevocationReason): Promise<void> {
  await db.refreshTokenFamily.updateMany({ where: { id: familyId, revokedAt: null }, data: { revokedAt: new Date(), revokedReason: reason } });
}
