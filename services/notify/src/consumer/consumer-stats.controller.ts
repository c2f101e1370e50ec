import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { OperationsGuard } from '@boxoffice/http';
import { ConsumerStats } from './consumer-stats';

@ApiTags('operations')
@Controller('consumer')
export class ConsumerStatsController {
  constructor(private readonly stats: ConsumerStats) {}

  @Get('stats')
  @UseGuards(OperationsGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: "Operations (Bearer OPERATIONS_TOKEN): this instance's consumer: owned partitions, lag per partition, processed and dead-lettered counts, durations" })
  snapshot() {
    return this.stats.snapshot();
  }
}
