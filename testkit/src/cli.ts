// testkit: the `npm run testkit -- install|up|down|status` command line; errors become one line and exit 1.

import { TestkitError } from './core/errors.ts';
import { isInstalled } from './install/component.ts';
import { COMPONENT_NAMES, type ComponentName, component, isComponentName } from './install/components.ts';
import { ensureInstalled } from './install/ensure.ts';
import { stackDown, stackStatus, stackUp } from './stack/stack.ts';

const USAGE = `usage: npm run testkit -- <command> [names...]
  install [names...]   install (or reuse from the cache) the named components, all by default
  up [names...]        start servers in the background and write their addresses to .env.testkit
  down                 stop what \`up\` started
  status               show installed components and running servers
components: ${COMPONENT_NAMES.join(', ')}
servers for up: redis, prometheus, dynamodb-local, versitygw, jaeger, cluster (kube+etcd+kwok), keda`;

function parseNames(args: string[]): ComponentName[] {
  for (const name of args) {
    if (!isComponentName(name))
      throw new TestkitError('cli', 'parse arguments', `unknown component "${name}"\n${USAGE}`);
  }
  return args as ComponentName[];
}

async function install(args: string[]): Promise<number> {
  const started = Date.now();
  const results = await ensureInstalled(parseNames(args), { throwOnFailure: false });
  const total = (Date.now() - started) / 1000;
  console.log('\ncomponent        version     status     now(s)  cold install(s)');
  for (const r of results) {
    const cold = r.coldSeconds === undefined ? '-' : r.coldSeconds.toFixed(1);
    console.log(
      `${r.name.padEnd(16)} ${r.version.padEnd(11)} ${r.status.padEnd(10)} ${r.seconds.toFixed(1).padStart(6)}  ${cold.padStart(15)}`,
    );
  }
  const coldSum = results.reduce((sum, r) => sum + (r.coldSeconds ?? 0), 0);
  console.log(
    `install took ${total.toFixed(1)}s now; recorded cold installs add up to ${coldSum.toFixed(1)}s of build time`,
  );
  const failed = results.filter((r) => r.status === 'failed');
  for (const r of failed) console.error(`\n${r.error?.message}`);
  return failed.length ? 1 : 0;
}

function status(): number {
  for (const name of COMPONENT_NAMES) {
    const comp = component(name);
    console.log(
      `${name.padEnd(16)} ${comp.version.padEnd(11)} ${isInstalled(comp) ? 'installed' : 'missing'}`,
    );
  }
  console.log(stackStatus());
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  switch (command) {
    case 'install':
      return install(args);
    case 'up':
      return stackUp(args);
    case 'down':
      return stackDown();
    case 'status':
      return status();
    default:
      console.log(USAGE);
      return command === undefined || command === 'help' || command === '--help' ? 0 : 2;
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
