import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { AuthGuard, CurrentUser, Principal } from '@boxoffice/auth';
import type { Notification } from '../generated/prisma/client';
import { NotificationBody, NotificationListDto, NotificationListQuery } from './dto/notification.dto';
import { NotificationStore } from './notification.store';

@ApiTags('notifications')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'Missing, expired or invalid access token (problem details)' })
@UseGuards(AuthGuard)
@Controller('notifications')
export class NotificationsController {
  constructor(private readonly store: NotificationStore) {}

  @Get()
  @ApiOperation({ summary: "The caller's notifications, newest first" })
  @ApiOkResponse({ type: NotificationListDto })
  @ApiBadRequestResponse({ description: 'Invalid limit or cursor (problem details with the field and reason)' })
  async list(@CurrentUser() user: Principal, @Query() query: NotificationListQuery): Promise<NotificationListDto> {
    const page = await this.store.listForUser(user.userId, { limit: query.limit, cursor: query.cursor });
    return { notifications: page.items.map(toBody), nextCursor: page.nextCursor ?? null };
  }
}

function toBody(n: Notification): NotificationBody {
  return {
    id: n.id,
    kind: n.kind,
    channel: n.channel,
    recipient: n.recipient,
    subject: n.subject,
    body: n.body,
    status: n.status,
    attempts: n.attempts,
    sourceEventId: n.sourceEventId,
    createdAt: n.createdAt.toISOString(),
    deliveredAt: n.deliveredAt?.toISOString() ?? null,
  };
}
