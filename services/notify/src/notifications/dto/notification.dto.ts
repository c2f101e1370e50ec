import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { NotificationChannel, NotificationKind, NotificationStatus } from '../../generated/prisma/enums';

export const notificationSchema = z
  .object({
    id: z.uuid(),
    kind: z.enum(NotificationKind),
    channel: z.enum(NotificationChannel),
    recipient: z.string().describe('E-mail address, or the user the sms/push/webhook message addresses'),
    subject: z.string(),
    body: z.string(),
    status: z.enum(NotificationStatus).describe('pending: not delivered yet; delivered; failed: delivery gave up and the event was dead-lettered'),
    attempts: z.number().int().describe('Delivery attempts so far'),
    sourceEventId: z.uuid().describe('The event this notification answers'),
    createdAt: z.iso.datetime({ offset: true }),
    deliveredAt: z.iso.datetime({ offset: true }).nullable(),
  })
  .meta({ id: 'Notification' });

export class NotificationListDto extends createZodDto(
  z.object({
    notifications: z.array(notificationSchema),
    nextCursor: z.uuid().nullable().describe('Pass as `cursor` to get the next, older page; null on the last page'),
  }),
) {}

export class NotificationListQuery extends createZodDto(
  z
    .object({
      limit: z.coerce.number().int().min(1).max(100).default(20),
      cursor: z.uuid().optional().describe('Id of the last notification of the previous page'),
    })
    .strict(),
) {}

export type NotificationBody = z.infer<typeof notificationSchema>;
