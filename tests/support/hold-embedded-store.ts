/**
 * A second bot process, for the embedded store's lock tests: opens the embedded store on the DATA_DIR given as
 * argument (through tsx), prints `READY <pid>` (or `REFUSED <message>`), and closes it when stdin ends.
 *   node --import tsx tests/support/hold-embedded-store.ts <dataDir>
 */
import { createEmbeddedStore } from '../../adapters/store/embedded/embedded-store';

async function main(): Promise<void> {
  const dataDir = process.argv[2];
  if (!dataDir) throw new Error('usage: hold-embedded-store.ts <dataDir>');
  let store;
  try {
    store = await createEmbeddedStore({ dataDir, logger: { info: () => undefined, warn: () => undefined }, autocompactionMs: 0 });
  } catch (error) {
    process.stdout.write(`REFUSED ${error instanceof Error ? error.message : String(error)}\n`);
    return;
  }
  await store.collection('things').insertOne({ id: `from-${process.pid}`, at: new Date() });
  process.stdout.write(`READY ${process.pid}\n`);
  process.stdin.resume();
  await new Promise<void>((resolve) => process.stdin.once('end', resolve));
  await store.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
