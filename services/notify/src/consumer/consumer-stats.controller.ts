import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ConsumerStats } from './consumer-stats';

@ApiTags('operations')
@Controller('consumer')
export class ConsumerStatsController {
  constructor(private readonly stats: ConsumerStats) {}

  @Get('stats')
  @ApiOperation({ summary: "This instance's consumer: owned partitions, lag per partition, processed and dead-lettered counts, durations" })
  snapshot() {
    return this.stats.snapshot();
  }
}
