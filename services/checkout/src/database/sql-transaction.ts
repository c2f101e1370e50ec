import type { Pool, PoolClient } from 'pg';

/** Runs `work` in one transaction on a pooled connection: COMMIT if it resolves, ROLLBACK if it throws. */
export async function inTransaction<T>(pool: Pool, work: (tx: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  // While checked out, a connection the server ends (a restart) reports it as an 'error' event on
  // the client, not on the pool; unheard, that event would end the process. The next statement
  // then fails, and the connection is discarded below.
  const onError = (error: Error) => (broken = error);
  client.on('error', onError);
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    // A connection that cannot even roll back is discarded rather than returned to the pool.
    await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
    throw error;
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}
