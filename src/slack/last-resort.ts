/**
 * The last line of defence of a serving process: an exception or rejection
 * that escaped every handler is logged and the process keeps serving. The
 * request guard and Bolt's error handlers should catch everything first; this
 * exists so a bug missed there costs one request, not every replica.
 */
import type { Logger } from 'pino';

/** Installs the handlers; returns the function that removes them. */
export function installLastResort(logger: Logger): () => void {
  const onException = (error: unknown) => {
    logger.error({ err: describe(error) }, 'uncaught exception; the process keeps serving');
  };
  const onRejection = (reason: unknown) => {
    logger.error({ err: describe(reason) }, 'unhandled rejection; the process keeps serving');
  };
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onRejection);
  return () => {
    process.off('uncaughtException', onException);
    process.off('unhandledRejection', onRejection);
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
