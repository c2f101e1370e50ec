import { Controller, Get, Param } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ProblemException } from '@boxoffice/http';
import { CatalogEventDto, CatalogEventListDto, EventIdParams } from './catalog.dto';
import { CatalogRepository } from './catalog.repository';

@ApiTags('catalog')
@Controller('events')
export class CatalogController {
  constructor(private readonly catalog: CatalogRepository) {}

  @Get()
  @ApiOperation({ summary: 'Events with their ticket tiers, prices and seats left' })
  @ApiOkResponse({ type: CatalogEventListDto })
  async list(): Promise<CatalogEventListDto> {
    return { events: await this.catalog.all() };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One event: venue, date and ticket tiers with price and seats left' })
  @ApiOkResponse({ type: CatalogEventDto })
  @ApiNotFoundResponse({ description: 'No event with this id (problem details)' })
  async get(@Param() { id }: EventIdParams): Promise<CatalogEventDto> {
    const event = await this.catalog.byId(id);
    if (!event) throw new ProblemException(404, 'event-not-found', 'Event not found', `No event has the id ${id}.`);
    return event;
  }
}
