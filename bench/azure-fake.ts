// The fake Azure subscription for `npm run bench -- azure`, in its own process so serving it
// does not take Keepwatch's event loop. Prints one JSON line when ready, then answers commands
// on stdin: `backups <fromMs> <toMs>` adds the daily backups that start in that range,
// `stats` reports its calls and CPU time.
import { createInterface } from 'node:readline';
import { FakeAzure } from '../test/helpers/fake-azure.ts';
import { addDailyBackups, generateSubscription } from '../test/helpers/fake-azure-data.ts';

const [vaults, itemsPerVault, fromMs, toMs, pageSize] = process.argv.slice(2).map(Number) as [number, number, number, number, number];
const fake = await FakeAzure.start({ pageSize });
fake.record = false;
generateSubscription(fake, { vaults, itemsPerVault }, toMs);
const jobs = addDailyBackups(fake, fromMs, toMs);
const write = (o: unknown) => process.stdout.write(`${JSON.stringify(o)}\n`);
write({ ready: true, loginUrl: fake.loginUrl, managementUrl: fake.managementUrl, tenantId: fake.tenantId, clientId: fake.clientId, clientSecret: fake.clientSecret, subscriptionId: fake.subscriptionId, jobs });

createInterface({ input: process.stdin }).on('line', (line) => {
  const [cmd, a, b] = line.trim().split(/\s+/);
  if (cmd === 'backups') write({ added: addDailyBackups(fake, Number(a), Number(b)) });
  else if (cmd === 'stats') {
    const cpu = process.cpuUsage();
    write({ armCalls: fake.armCalls, tokens: fake.tokensIssued, cpuMs: Math.round((cpu.user + cpu.system) / 1000) });
  } else if (cmd === 'quit') void fake.close().then(() => process.exit(0));
});
