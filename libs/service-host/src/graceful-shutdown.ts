import { INestApplication, LoggerService } from '@nestjs/common';

/**
 * On SIGTERM or SIGINT: close the app (stop taking messages and requests, finish in-flight work, then
 * close Postgres, Redis and NATS) and exit 0. A shutdown that hangs past the deadline exits 1.
 */
export function installGracefulShutdown(app: INestApplication, logger: LoggerService, timeoutMs: number): void {
  let closing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    logger.log(`${signal} received: draining`);
    const deadline = setTimeout(() => {
      logger.error(`shutdown did not finish within ${timeoutMs + 5_000} ms; exiting`);
      process.exit(1);
    }, timeoutMs + 5_000);
    deadline.unref();
    app
      .close()
      .then(() => {
        logger.log('shut down cleanly');
        process.exit(0);
      })
      .catch((error: unknown) => {
        logger.error(`shutdown failed: ${(error as Error).message}`);
        process.exit(1);
      });
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}
