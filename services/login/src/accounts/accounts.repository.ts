import { Injectable } from '@nestjs/common';
import { OutboxRecord } from '@boxoffice/outbox';
import { PrismaService } from '../database/prisma.service';
import { Plan, Prisma, User } from '../generated/prisma/client';

export interface NewAccount {
  id: string;
  email: string;
  displayName: string;
  plan: Plan;
  region: string;
  passwordHash: string;
  createdAt: Date;
}

/** The email is registered already (possibly by a concurrent request a moment ago). */
export class EmailTakenError extends Error {
  constructor() {
    super('email already registered');
    this.name = 'EmailTakenError';
  }
}

@Injectable()
export class AccountsRepository {
  constructor(private readonly db: PrismaService) {}

  findByEmail(email: string): Promise<User | null> {
    return this.db.user.findUnique({ where: { email } });
  }

  findById(id: string): Promise<User | null> {
    return this.db.user.findUnique({ where: { id } });
  }

  /**
   * Inserts the account and the event announcing it in one transaction: both or neither. The
   * unique email index decides between concurrent registrations of one address.
   */
  async create(account: NewAccount, event: OutboxRecord): Promise<User> {
    try {
      const [user] = await this.db.$transaction([
        this.db.user.create({ data: account }),
        this.db.outboxEvent.create({ data: { ...event, payload: event.payload as Prisma.InputJsonObject } }),
      ]);
      return user;
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') throw new EmailTakenError();
      throw error;
    }
  }

  async updatePasswordHash(id: string, passwordHash: string): Promise<void> {
    await this.db.user.update({ where: { id }, data: { passwordHash } });
  }
}
