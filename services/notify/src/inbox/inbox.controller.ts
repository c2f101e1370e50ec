import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext } from '@nestjs/microservices';
import { InboxService } from './inbox.service';

/**
 * The consumer group subscribes to exactly these topics. The value is read from the context
 * (original bytes, `keepBinary`) and validated against its contract by the inbox.
 */
@Controller()
export class InboxController {
  constructor(private readonly inbox: InboxService) {}

  @EventPattern('login.user-registered.v1')
  async userRegistered(@Ctx() ctx: KafkaContext) {
    await this.inbox.receive('login.user-registered.v1', ctx);
  }

  @EventPattern('checkout.order-confirmed.v1')
  async orderConfirmed(@Ctx() ctx: KafkaContext) {
    await this.inbox.receive('checkout.order-confirmed.v1', ctx);
  }

  @EventPattern('checkout.order-failed.v1')
  async orderFailed(@Ctx() ctx: KafkaContext) {
    await this.inbox.receive('checkout.order-failed.v1', ctx);
  }
}
