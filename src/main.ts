// `keepwatch serve`: load config, build the app, listen; stop cleanly on SIGTERM/SIGINT.
import { createKeepwatch } from './app.js';
import { loadConfig } from './config/index.js';

export async function serve(): Promise<void> {
  const app = await createKeepwatch(loadConfig());
  const shutdown = async (signal: string) => {
    app.logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 15_000).unref();
    await app.stop();
    clearTimeout(force);
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  await app.listen();
}
