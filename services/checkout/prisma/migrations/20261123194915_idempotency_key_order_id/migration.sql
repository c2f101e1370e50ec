/*
  Warnings:

  - Made the column `order_id` on table `idempotency_key` required, but there may be NULL values in it.
    (There are none: every committed key was given its order in the transaction that claimed it.)

  The key is now written with its order id in one statement, in the order's transaction; the
  foreign key added nothing but an extra UPDATE per order.

*/
-- DropForeignKey
ALTER TABLE "idempotency_key" DROP CONSTRAINT "idempotency_key_order_id_fkey";

-- AlterTable
ALTER TABLE "idempotency_key" ALTER COLUMN "order_id" SET NOT NULL;
