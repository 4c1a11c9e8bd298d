import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Injectable, type INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { TASKYARD_DATA_SOURCE } from '../../src/database/database.js';
import {
  ConfigError,
  JobsService,
  type Caller,
  TaskCreator,
  TaskyardModule,
  TasksService,
} from '../../src/index.js';
import { createTestDatabase, type TestDatabase, urlForDatabase } from '../support/database.js';
import { BillingService } from '../support/host-app/billing.module.js';
import {
  HostAppModule,
  ScopedProcessorModule,
  SecondEchoModule,
} from '../support/host-app/host.module.js';
import { Invoice, INVOICES_TABLE } from '../support/host-app/invoice.entity.js';
import { waitFor } from '../support/wait.js';

/** Not the default schema, to show that the option is obeyed. */
const SCHEMA = 'billing_taskyard';
const ACME: Caller = { keyId: 'host-app', tenant: 'acme', role: 'user' };

describe('TaskyardModule inside a host NestJS application', () => {
  let database: TestDatabase;
  /** The database's plain URL, as a host has it: no search_path of Taskyard's on it. */
  let url: string;
  let dataDir: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    url = urlForDatabase(database.name);
    dataDir = await mkdtemp(path.join(tmpdir(), 'taskyard-host-'));
    await database.query(INVOICES_TABLE);
    await database.query(
      `INSERT INTO public.host_invoices (customer, amount_cents) VALUES ('c1', 1250), ('c1', 750), ('c2', 99)`,
    );
  });
  afterAll(async () => {
    await database.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const startHost = (modules: (typeof SecondEchoModule)[] = []): Promise<INestApplicationContext> =>
    NestFactory.createApplicationContext(
      HostAppModule.forRoot({ databaseUrl: url, schema: SCHEMA, dataDir, modules }),
      { logger: false, abortOnError: false },
    );

  describe('started with its own processor', () => {
    let host: INestApplicationContext;

    beforeAll(async () => {
      host = await startHost();
    });
    afterAll(() => host.close());

    it('runs a task of the host type through the host processor to succeeded, with its events', async () => {
      const { task } = await host.get(BillingService).requestTotal(ACME, 'c1');
      const tasks = host.get(TasksService);
      const done = await waitFor('the host task to finish', async () => {
        const row = await tasks.find(ACME, task.id);
        return ['succeeded', 'failed', 'cancelled'].includes(row.status) && row;
      });
      expect(done.status).toBe('succeeded');
      expect(done.result).toEqual({ invoices: 2, totalCents: 2000 });
      const events = await database.query<{ kind: string; data: unknown }>(
        `SELECT kind, data FROM ${SCHEMA}.task_events WHERE task_id = $1 ORDER BY seq`,
        [task.id],
      );
      const kinds = events.map((event) => event.kind);
      // Progress is coalesced, so it may be written after the partial result.
      expect([...kinds.slice(0, 2), ...kinds.slice(2, 4).sort(), ...kinds.slice(4)]).toEqual([
        'created',
        'started',
        'partial',
        'progress',
        'succeeded',
      ]);
      expect(events.find((event) => event.kind === 'partial')?.data).toEqual({
        data: { invoices: 2 },
      });
    });

    it('leaves the host its own default DataSource, which knows only the host entities', async () => {
      const hostDataSource = host.get(DataSource);
      expect(hostDataSource.hasMetadata(Invoice)).toBe(true);
      expect(hostDataSource.entityMetadatas.map((entity) => entity.tableName)).toEqual([
        'host_invoices',
      ]);
      expect(await hostDataSource.getRepository(Invoice).countBy({ customer: 'c2' })).toBe(1);
      const taskyardDataSource = host.get<string, DataSource>(
        getDataSourceToken(TASKYARD_DATA_SOURCE),
      );
      expect(taskyardDataSource).not.toBe(hostDataSource);
      expect(taskyardDataSource.hasMetadata(Invoice)).toBe(false);
      const [tables] = await database.query<{ ours: string | null; public: string | null }>(
        `SELECT to_regclass('${SCHEMA}.tasks')::text AS ours, to_regclass('public.tasks')::text AS public`,
      );
      expect(tables).toEqual({ ours: `${SCHEMA}.tasks`, public: null });
    });

    it('runs a job of the host type through the host handler', async () => {
      const jobs = host.get(JobsService);
      const job = await jobs.enqueue({ type: 'billing.reminder', payload: { customer: 'c2' } });
      const done = await waitFor('the host job to finish', async () => {
        const row = await jobs.get(job.id);
        return row?.status === 'succeeded' && row;
      });
      expect(done.result).toEqual({ reminded: 'c2' });
    });

    it('refuses a task of a type no module processes, naming the host type among the known ones', async () => {
      await expect(
        host.get(TaskCreator).create(ACME, { spec: { type: 'billing.unknown', payload: {} } }),
      ).rejects.toMatchObject({
        problem: {
          errors: [{ field: 'type', messages: [expect.stringContaining('billing.invoice-total')] }],
        },
      });
    });
  });

  it('fails start-up when a host module processes a task type Taskyard already has', async () => {
    await expect(startHost([SecondEchoModule])).rejects.toThrow(
      'Task type "echo" has two processors: EchoProcessor (in BuiltInProcessorsModule) and SecondEchoProcessor (in SecondEchoModule)',
    );
  });

  it('fails start-up when a processor is not a singleton', async () => {
    await expect(startHost([ScopedProcessorModule])).rejects.toThrow(
      'ScopedProcessor (in ScopedProcessorModule) processes task type "billing.scoped" but is not a singleton provider with a process() method',
    );
  });

  it('fails at once when a listed processor has no @TaskProcessor', () => {
    @Injectable()
    class NotAProcessor {}
    expect(() =>
      TaskyardModule.forRoot({ database: { url }, processors: [NotAProcessor] }),
    ).toThrow('NotAProcessor is listed in processors but has no @TaskProcessor');
  });

  it('checks settings as the environment is checked, and refuses unknown ones', () => {
    expect(() =>
      TaskyardModule.forRoot({ database: { url }, settings: { WORKER_CONCURRENCY: 0 } }),
    ).toThrow(ConfigError);
    expect(() =>
      TaskyardModule.forRoot({
        database: { url },
        settings: { WORKER_CONCURENCY: 4 } as Record<string, number>,
      }),
    ).toThrow('WORKER_CONCURENCY is not a Taskyard setting');
  });

  it('takes its settings from a factory of the host with forRootAsync', async () => {
    @Injectable()
    class HostSettings {
      readonly databaseUrl = url;
    }
    @Module({ providers: [HostSettings], exports: [HostSettings] })
    class HostSettingsModule {}
    const host = await NestFactory.createApplicationContext(
      TaskyardModule.forRootAsync({
        role: 'api',
        imports: [HostSettingsModule],
        inject: [HostSettings],
        useFactory: (settings: HostSettings) => ({
          database: { url: settings.databaseUrl, schema: SCHEMA },
          settings: { DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
        }),
      }),
      { logger: false, abortOnError: false },
    );
    try {
      const { task } = await host
        .get(TaskCreator)
        .create(ACME, { spec: { type: 'echo', payload: 1 } });
      // role api: no worker here, so the task waits in the queue.
      expect((await host.get(TasksService).find(ACME, task.id)).status).toBe('queued');
    } finally {
      await host.close();
    }
  });
});
