-- CreateEnum
CREATE TYPE "order_status" AS ENUM ('pending', 'confirmed', 'failed', 'cancelled');

-- CreateTable
CREATE TABLE "event" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "venue" TEXT NOT NULL,
    "city" TEXT NOT NULL,
    "starts_at" TIMESTAMPTZ(3) NOT NULL,
    "currency" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "event_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ticket_tier" (
    "id" UUID NOT NULL,
    "event_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "price_cents" INTEGER NOT NULL,
    "capacity" INTEGER NOT NULL,
    "seats_left" INTEGER NOT NULL,

    CONSTRAINT "ticket_tier_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ticket_order" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "customer" JSONB NOT NULL,
    "event_id" UUID NOT NULL,
    "tier_id" UUID NOT NULL,
    "quantity" INTEGER NOT NULL,
    "unit_price_cents" INTEGER NOT NULL,
    "total_cents" INTEGER NOT NULL,
    "currency" TEXT NOT NULL,
    "pricing_strategy" TEXT NOT NULL,
    "status" "order_status" NOT NULL DEFAULT 'pending',
    "payment_reference" TEXT,
    "failure_reason" TEXT,
    "failure_message" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "confirmed_at" TIMESTAMPTZ(3),
    "failed_at" TIMESTAMPTZ(3),

    CONSTRAINT "ticket_order_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "idempotency_key" (
    "user_id" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "request_hash" TEXT NOT NULL,
    "order_id" UUID,
    "response_status" INTEGER,
    "response_body" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completed_at" TIMESTAMPTZ(3),

    CONSTRAINT "idempotency_key_pkey" PRIMARY KEY ("user_id","key")
);

-- CreateIndex
CREATE INDEX "event_starts_at_idx" ON "event"("starts_at");

-- CreateIndex
CREATE UNIQUE INDEX "ticket_tier_event_id_name_key" ON "ticket_tier"("event_id", "name");

-- CreateIndex
CREATE INDEX "ticket_order_user_id_created_at_id_idx" ON "ticket_order"("user_id", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "ticket_order_pending_idx" ON "ticket_order"("created_at") WHERE (status = 'pending');

-- CreateIndex
CREATE UNIQUE INDEX "idempotency_key_order_id_key" ON "idempotency_key"("order_id");

-- CreateIndex
CREATE INDEX "idempotency_key_created_at_idx" ON "idempotency_key"("created_at");

-- AddForeignKey
ALTER TABLE "ticket_tier" ADD CONSTRAINT "ticket_tier_event_id_fkey" FOREIGN KEY ("event_id") REFERENCES "event"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ticket_order" ADD CONSTRAINT "ticket_order_tier_id_fkey" FOREIGN KEY ("tier_id") REFERENCES "ticket_tier"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "idempotency_key" ADD CONSTRAINT "idempotency_key_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "ticket_order"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Hand-written: never oversell, enforced by the database as the last line of defence. Even a
-- faulty UPDATE cannot take seats_left below zero or release more seats than the tier has.
-- (A trigger rather than a CHECK constraint: the offline schema engine used by `npm run db --
-- create` crashes while introspecting CHECK constraints; it ignores triggers, as Prisma does.)
CREATE FUNCTION ticket_tier_seats_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.capacity <= 0 OR NEW.seats_left < 0 OR NEW.seats_left > NEW.capacity THEN
    RAISE EXCEPTION 'ticket tier %: seats_left % outside 0..%', NEW.id, NEW.seats_left, NEW.capacity
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER ticket_tier_seats_guard BEFORE INSERT OR UPDATE ON "ticket_tier"
  FOR EACH ROW EXECUTE FUNCTION ticket_tier_seats_guard();
