import { Body, Controller, Get, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiResponse,
  ApiTags,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { AuthGuard, CurrentUser, Principal } from '@boxoffice/auth';
import { PROBLEM_CONTENT_TYPE, ProblemException } from '@boxoffice/http';
import { currentTraceContext } from '@boxoffice/telemetry';
import { IDEMPOTENCY_HEADER, IdempotencyKey } from '../idempotency/idempotency-key.decorator';
import { CreateOrderDto, OrderDto, OrderIdParams, OrderListDto, OrderListQuery } from './order.dto';
import { orderBody } from './order-responses';
import { OrderStore } from './order-store';
import { OrdersService } from './orders.service';

@ApiTags('orders')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'Missing, expired or invalid access token (problem details)' })
@UseGuards(AuthGuard)
@Controller('orders')
export class OrdersController {
  constructor(
    private readonly orders: OrdersService,
    private readonly store: OrderStore,
  ) {}

  @Post()
  @ApiOperation({
    summary: 'Buy seats of one tier: reserve, price, pay, then confirm (or release the seats when payment fails)',
    description:
      'Idempotent: the same Idempotency-Key with the same body returns the original response (header Idempotent-Replayed: true) and creates nothing; with a different body it is refused with 422.',
  })
  @ApiHeader({ name: IDEMPOTENCY_HEADER, required: true, description: 'A unique key per order attempt (e.g. a UUID); reuse it to retry safely' })
  @ApiCreatedResponse({ type: OrderDto, description: 'Paid and confirmed' })
  @ApiNotFoundResponse({ description: 'Unknown ticket tier' })
  @ApiConflictResponse({ description: 'Not enough seats left (nothing reserved), or the same key is still being processed' })
  @ApiUnprocessableEntityResponse({ description: 'Idempotency-Key already used with a different body' })
  @ApiResponse({ status: 402, description: 'Payment declined: the order failed and its seats were released' })
  @ApiResponse({ status: 502, description: 'Payment provider error: the order failed and its seats were released' })
  @ApiResponse({ status: 504, description: 'Payment timed out: the order failed and its seats were released' })
  @ApiResponse({ status: 503, description: 'Too busy right now; nothing was reserved (Retry-After)' })
  async place(
    @CurrentUser() principal: Principal,
    @IdempotencyKey() idempotencyKey: string,
    @Body() body: CreateOrderDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Record<string, unknown>> {
    const placed = await this.orders.place({ principal, idempotencyKey, body, traceContext: currentTraceContext() });
    res.status(placed.status).location(`/orders/${placed.orderId}`);
    if (placed.replayed) res.setHeader('Idempotent-Replayed', 'true');
    if (placed.status >= 400) res.type(PROBLEM_CONTENT_TYPE);
    return placed.body;
  }

  @Get()
  @ApiOperation({ summary: "The caller's orders, newest first" })
  @ApiOkResponse({ type: OrderListDto })
  async list(@CurrentUser() principal: Principal, @Query() query: OrderListQuery): Promise<OrderListDto> {
    const page = await this.store.listForUser(principal.userId, query.limit, query.cursor);
    return { orders: page.orders.map(orderBody), nextCursor: page.nextCursor };
  }

  @Get(':id')
  @ApiOperation({ summary: "One of the caller's orders" })
  @ApiOkResponse({ type: OrderDto })
  @ApiNotFoundResponse({ description: 'No such order among the caller’s' })
  async get(@CurrentUser() principal: Principal, @Param() { id }: OrderIdParams): Promise<OrderDto> {
    const order = await this.store.findForUser(principal.userId, id);
    if (!order) throw new ProblemException(404, 'order-not-found', 'Order not found', `You have no order with the id ${id}.`);
    return orderBody(order);
  }
}
