import { Injectable, Logger } from '@nestjs/common';
import { parseEvent, Topic } from '@boxoffice/contracts';
import { commitMessage, CommitContext } from '@boxoffice/kafka';
import { PrismaService } from '../database/prisma.service';

export type InboxOutcome = 'processed' | 'duplicate' | 'rejected';

/**
 * Records each consumed event once (event id is the primary key), then commits the offset:
 * a redelivery after a crash finds the row and does nothing twice.
 */
@Injectable()
export class InboxService {
  private readonly logger = new Logger(InboxService.name);

  constructor(private readonly prisma: PrismaService) {}

  async receive(topic: Topic, raw: unknown, ctx: CommitContext): Promise<InboxOutcome> {
    const parsed = parseEvent(topic, raw);
    if (!parsed.ok) {
      this.logger.warn(
        { topic, partition: ctx.getPartition(), offset: ctx.getMessage().offset, reason: parsed.error.message },
        'rejected message that breaks its contract',
      );
      await commitMessage(ctx);
      return 'rejected';
    }
    const { count } = await this.prisma.processedEvent.createMany({
      data: [{ eventId: parsed.event.eventId, topic, partition: ctx.getPartition(), offset: BigInt(ctx.getMessage().offset) }],
      skipDuplicates: true,
    });
    await commitMessage(ctx);
    return count === 1 ? 'processed' : 'duplicate';
  }
}
