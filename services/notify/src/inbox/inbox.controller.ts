import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext, Payload } from '@nestjs/microservices';
import { InboxService } from './inbox.service';

@Controller()
export class InboxController {
  constructor(private readonly inbox: InboxService) {}

  @EventPattern('login.user-registered.v1')
  async userRegistered(@Payload() raw: unknown, @Ctx() ctx: KafkaContext) {
    await this.inbox.receive('login.user-registered.v1', raw, ctx);
  }

  @EventPattern('checkout.order-confirmed.v1')
  async orderConfirmed(@Payload() raw: unknown, @Ctx() ctx: KafkaContext) {
    await this.inbox.receive('checkout.order-confirmed.v1', raw, ctx);
  }

  @EventPattern('checkout.order-failed.v1')
  async orderFailed(@Payload() raw: unknown, @Ctx() ctx: KafkaContext) {
    await this.inbox.receive('checkout.order-failed.v1', raw, ctx);
  }
}
