import { Client } from 'pg';
import { JOBS_CHANNEL } from '../jobs/db.js';
const MAX_RECONNECT_DELAY_MS = 5000;
export class JobListener {
    url;
    events;
    logger;
    client;
    stopped = false;
    reconnectDelayMs = 100;
    reconnectTimer;
    connected = false;
    constructor(url, events, logger) {
        this.url = url;
        this.events = events;
        this.logger = logger;
    }
    async start() {
        await this.connect();
    }
    async stop() {
        this.stopped = true;
        clearTimeout(this.reconnectTimer);
        const client = this.client;
        this.client = undefined;
        this.setConnected(false);
        await client?.end().catch(() => undefined);
    }
    async connect() {
        const client = new Client({
            connectionString: this.url,
            application_name: 'taskyard-listener',
            keepAlive: true,
        });
        client.on('notification', (message) => this.dispatch(message.payload ?? ''));
        client.on('error', (error) => this.lost(client, error));
        client.on('end', () => this.lost(client, new Error('connection ended')));
        try {
            await client.connect();
            await client.query(`LISTEN ${JOBS_CHANNEL}`);
        }
        catch (error) {
            this.lost(client, error);
            return;
        }
        if (this.stopped) {
            await client.end().catch(() => undefined);
            return;
        }
        this.client = client;
        this.reconnectDelayMs = 100;
        this.setConnected(true);
    }
    dispatch(payload) {
        const separator = payload.indexOf(':');
        const kind = payload.slice(0, separator);
        const value = payload.slice(separator + 1);
        if (kind === 'queue')
            this.events.onQueue(value);
        else if (kind === 'cancel')
            this.events.onCancel(value);
    }
    lost(client, error) {
        if (this.stopped || (this.client !== undefined && this.client !== client))
            return;
        if (this.client === client || this.connected) {
            this.logger.warn({ err: error }, 'job listener connection lost; polling until it is back');
        }
        this.client = undefined;
        this.setConnected(false);
        client.removeAllListeners('end');
        client.end().catch(() => undefined);
        if (this.reconnectTimer)
            return;
        this.reconnectTimer = setTimeout(() => {
            this.reconnectTimer = undefined;
            void this.connect();
        }, this.reconnectDelayMs);
        this.reconnectDelayMs = Math.min(MAX_RECONNECT_DELAY_MS, this.reconnectDelayMs * 2);
    }
    setConnected(connected) {
        if (this.connected === connected)
            return;
        this.connected = connected;
        this.events.onConnectionChange(connected);
    }
}
//# sourceMappingURL=job-listener.js.map