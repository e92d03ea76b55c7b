import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { loadConfig, parseDatabaseUrl } from '../../src/core/config';
import { CUSTOMERS_SUBGRAPH_NAME, DEFAULT_CUSTOMERS_URL } from '../../src/scripts/compose-supergraph';
import { ORDERS_SDL } from '../fixtures/orders-subgraph';

/**
 * Docker does not run where the tests run, so these check what can be checked
 * without it: the compose file, the router configuration and the Dockerfile
 * agree with each other and with the service, and `npm run supergraph` makes
 * the supergraph the router loads.
 */

const ROOT = join(__dirname, '..', '..');
const read = (file: string): string => readFileSync(join(ROOT, file), 'utf8');

interface ComposeService {
  image?: string;
  build?: string | { context: string };
  command?: string[];
  environment?: Record<string, string | null>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] | string };
  volumes?: string[];
  ports?: string[];
  expose?: string[];
}

interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

interface HeaderRule {
  propagate?: { named?: string };
  insert?: { name: string; value: string };
}

/** Compose's `${NAME:-default}` interpolation, for a shell where NAME is unset. */
function withDefaults(value: string): string {
  return value.replace(/\$\{[A-Z_][A-Z0-9_]*:-([^}]*)\}/g, '$1');
}

const compose = parseYaml(read('docker-compose.yml')) as ComposeFile;
const router = parseYaml(read('router.yaml')) as {
  supergraph: { listen: string; introspection?: boolean };
  sandbox?: { enabled: boolean };
  homepage?: { enabled: boolean };
  health_check?: { enabled?: boolean; listen?: string; path?: string };
  headers: { all: { request: HeaderRule[] }; subgraphs?: Record<string, { request: HeaderRule[] }> };
  include_subgraph_errors: { all: boolean };
};

describe('docker-compose.yml', () => {
  const { mysql, customers, router: routerService } = compose.services;

  it('runs MySQL 8.4 with a health check and a named volume for its data', () => {
    expect(mysql?.image).toMatch(/^mysql:8\.4(\.\d+)?$/);
    expect(mysql?.healthcheck?.test).toBeDefined();
    const dataVolume = mysql?.volumes?.find((volume) => volume.endsWith(':/var/lib/mysql'));
    expect(dataVolume).toBeDefined();
    expect(compose.volumes).toHaveProperty(dataVolume!.split(':')[0]!);
  });

  it('builds the customer subgraph from the Dockerfile, pointed at the mysql service, once MySQL is healthy', () => {
    expect(customers?.build).toBe('.');
    const database = parseDatabaseUrl(withDefaults(customers?.environment?.DATABASE_URL ?? ''));
    expect(database).toMatchObject({ dialect: 'mysql', host: 'mysql', port: 3306, database: mysql?.environment?.MYSQL_DATABASE });
    if (database.dialect !== 'mysql') throw new Error('unreachable');
    expect(database.user).toBe(mysql?.environment?.MYSQL_USER);
    expect(database.password).toBe(withDefaults(mysql?.environment?.MYSQL_PASSWORD ?? ''));
    expect(customers?.depends_on?.mysql?.condition).toBe('service_healthy');
  });

  it("runs NATS with JetStream on a named volume, and publishes the subgraph's change events to it", () => {
    const { nats } = compose.services;
    expect(nats?.image).toMatch(/^nats:2\.\d+/);
    const command = nats?.command ?? [];
    expect(command).toContain('-js');
    const store = command[command.indexOf('-sd') + 1];
    const volume = nats?.volumes?.find((mount) => mount.endsWith(`:${store}`));
    expect(volume).toBeDefined();
    expect(compose.volumes).toHaveProperty(volume!.split(':')[0]!);
    const url = new URL(customers?.environment?.EVENTS_NATS_URL ?? '');
    expect(url.protocol).toBe('nats:');
    expect(compose.services).toHaveProperty(url.hostname);
    expect(loadConfig({ NODE_ENV: 'test', EVENTS_NATS_URL: url.href }).events.nats).toEqual({ url: url.href, stream: 'CUSTOMERS' });
  });

  it('starts the customer subgraph as in production, with authentication configured', () => {
    expect(customers?.environment?.NODE_ENV).toBe('production');
    expect(withDefaults(customers?.environment?.AUTH_JWT_SECRET ?? '').length).toBeGreaterThanOrEqual(32);
  });

  it('runs an Apollo Router v2 on port 4000 with router.yaml and supergraph.graphql mounted where its command reads them', () => {
    expect(routerService?.image).toMatch(/^ghcr\.io\/apollographql\/router:v2\.\d+\.\d+$/);
    expect(routerService?.ports).toContain('4000:4000');
    const mounts = new Map((routerService?.volumes ?? []).map((volume) => [volume.split(':')[0], volume.split(':')[1]]));
    const command = routerService?.command ?? [];
    expect(mounts.get('./router.yaml')).toBe(command[command.indexOf('--config') + 1]);
    expect(mounts.get('./supergraph.graphql')).toBe(command[command.indexOf('--supergraph') + 1]);
  });

  it('reaches the subgraph at the routing URL `npm run supergraph` writes by default', () => {
    const url = new URL(DEFAULT_CUSTOMERS_URL);
    expect(compose.services).toHaveProperty(url.hostname);
    expect(compose.services[url.hostname]?.expose).toContain(url.port);
  });

  it('gives the router and the subgraph the same router secret', () => {
    expect(routerService?.environment?.ROUTER_SECRET).toBe(customers?.environment?.ROUTER_SECRET);
    expect(withDefaults(customers?.environment?.ROUTER_SECRET ?? '').length).toBeGreaterThanOrEqual(16);
  });

  it('publishes the router health check port', () => {
    const port = router.health_check?.listen?.split(':').at(-1);
    expect(routerService?.ports).toContain(`${port}:${port}`);
  });
});

describe('router.yaml', () => {
  it('listens on 0.0.0.0:4000', () => {
    expect(router.supergraph.listen).toBe('0.0.0.0:4000');
  });

  it('propagates the Authorization header to every subgraph', () => {
    const propagated = router.headers.all.request.map((rule) => rule.propagate?.named?.toLowerCase());
    expect(propagated).toContain('authorization');
  });

  it('sends the router secret to the customer subgraph only', () => {
    const inserted = router.headers.subgraphs?.[CUSTOMERS_SUBGRAPH_NAME]?.request.map((rule) => rule.insert);
    // The header the subgraph checks (src/http/router-secret.ts), from the router's environment.
    expect(inserted).toContainEqual({ name: 'x-router-secret', value: '${env.ROUTER_SECRET}' });
    expect(JSON.stringify(router.headers.all)).not.toContain('ROUTER_SECRET');
  });

  it('is set up for development: subgraph errors, Sandbox, introspection and a health check', () => {
    expect(router.include_subgraph_errors.all).toBe(true);
    expect(router.sandbox?.enabled).toBe(true);
    expect(router.homepage?.enabled).toBe(false);
    expect(router.supergraph.introspection).toBe(true);
    expect(router.health_check).toMatchObject({ enabled: true, listen: '0.0.0.0:8088' });
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const stages = dockerfile.split(/^FROM /m).slice(1);
  const runtime = stages.at(-1) ?? '';

  it('builds in one stage and runs from another with production dependencies only', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/^RUN npm ci$/m);
    expect(dockerfile).toMatch(/^RUN npm run build$/m);
    expect(dockerfile).toMatch(/^RUN npm ci --omit=dev/m);
    expect(runtime).toMatch(/^COPY --from=\S+ \/app\/dist \.\/dist$/m);
    expect(runtime).not.toMatch(/npm ci$/m);
  });

  it('runs as a non-root user, exposes 4001, checks /health and starts dist/main.js', () => {
    expect(runtime).toMatch(/^USER (?!root\b)\S+$/m);
    expect(runtime).toMatch(/^EXPOSE 4001$/m);
    expect(runtime).toMatch(/^HEALTHCHECK [\s\S]*\/health/m);
    expect(runtime).toMatch(/^CMD \["node", ?"dist\/main\.js"\]$/m);
  });

  it('keeps local artefacts out of the build context', () => {
    const ignored = read('.dockerignore').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist', '.env', 'data']));
  });
});

describe('npm run supergraph (the script as a process)', () => {
  let directory: string;

  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'supergraph-'));
  });

  afterAll(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  function runCompose(args: string[]): { status: number | null; stdout: string; stderr: string } {
    const result = spawnSync(process.execPath, ['-r', './test/helpers/swc-register.js', 'src/scripts/compose-supergraph.ts', ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  it('composes this subgraph with another subgraph file into the supergraph the router loads', () => {
    const orders = join(directory, 'orders.graphql');
    const out = join(directory, 'supergraph.graphql');
    writeFileSync(orders, ORDERS_SDL);

    const { status, stdout, stderr } = runCompose([`${orders}=orders@http://orders:4002/graphql`, '--out', out]);

    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(stdout).toContain(`Wrote ${out}`);
    const supergraph = readFileSync(out, 'utf8');
    expect(supergraph).toContain(`join__graph(name: "${CUSTOMERS_SUBGRAPH_NAME}", url: "${DEFAULT_CUSTOMERS_URL}")`);
    expect(supergraph).toContain('join__graph(name: "orders", url: "http://orders:4002/graphql")');
    expect(supergraph).toContain('specs.apollo.dev/requiresScopes');
    expect(stdout).toContain('--without-authorization-directives');
  });

  it('leaves the authorization features out for a router without a GraphOS license, and takes --customers-url', () => {
    const out = join(directory, 'local.graphql');

    const { status } = runCompose(['--without-authorization-directives', '--customers-url', 'http://localhost:4001/graphql', '--out', out]);

    expect(status).toBe(0);
    const supergraph = readFileSync(out, 'utf8');
    expect(supergraph).toContain('url: "http://localhost:4001/graphql"');
    expect(supergraph).not.toMatch(/specs\.apollo\.dev\/(authenticated|requiresScopes)/);
  });

  it('exits non-zero with the composition errors when the subgraphs do not compose', () => {
    const conflicting = join(directory, 'conflicting.graphql');
    const out = join(directory, 'never-written.graphql');
    // PageInfo without @shareable: two subgraphs may not both resolve its fields.
    writeFileSync(conflicting, ORDERS_SDL.replace('type PageInfo @shareable', 'type PageInfo'));

    const { status, stderr } = runCompose([`${conflicting}=orders@http://orders:4002/graphql`, '--out', out]);

    expect(status).toBe(1);
    expect(stderr).toMatch(/Composition failed/);
    expect(stderr).toMatch(/PageInfo\.\w+/);
    expect(() => readFileSync(out)).toThrow();
  });
});
