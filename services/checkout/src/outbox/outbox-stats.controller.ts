import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { OutboxRelay } from '@boxoffice/outbox';

@ApiTags('health')
@Controller('health')
export class OutboxStatsController {
  constructor(private readonly relay: OutboxRelay) {}

  @Get('outbox')
  @ApiOperation({ summary: 'Outbox relay: events not yet on Kafka (backlog), published count, last error, leadership' })
  async stats() {
    const backlog = await this.relay.backlog();
    return { ...this.relay.snapshot(), backlog };
  }
}
