import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { OperationsGuard } from '@boxoffice/http';
import { OutboxRelay } from '@boxoffice/outbox';

@ApiTags('health')
@Controller('health')
export class OutboxStatsController {
  constructor(private readonly relay: OutboxRelay) {}

  @Get('outbox')
  @UseGuards(OperationsGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Operations (Bearer OPERATIONS_TOKEN): outbox relay: events not yet on Kafka (backlog), published count, last error, leadership' })
  async stats() {
    const backlog = await this.relay.backlog();
    return { ...this.relay.snapshot(), backlog };
  }
}
