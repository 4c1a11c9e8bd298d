/** Examples of the OpenAPI document's main task routes: a csv.import from its upload to its end. */

const ID = '0b6f3c52-8a5e-4c8e-9d27-4f1f6a0e2a11';
const FILE_ID = '5d0c1a8e-3f7b-4d2a-9e61-0c2b7f1d9a34';

const QUEUED = {
  id: ID,
  type: 'csv.import',
  status: 'queued',
  inputFileId: FILE_ID,
  payload: null,
  options: { delimiter: ',' },
  progress: null,
  result: null,
  error: null,
  attempts: 0,
  maxAttempts: 3,
  runAt: '2026-12-01T09:00:00.000Z',
  parentId: null,
  lastSeq: 1,
  createdAt: '2026-12-01T09:00:00.000Z',
  updatedAt: '2026-12-01T09:00:00.000Z',
  startedAt: null,
  finishedAt: null,
};

/** As lists and GET /tasks/{id} show it. */
const INPUT_FILE = { name: 'orders.csv', size: 48213, mediaType: 'text/csv' };

const SUCCEEDED = {
  ...QUEUED,
  inputFile: INPUT_FILE,
  status: 'succeeded',
  progress: { percent: 100 },
  result: {
    table: 'import_0b6f3c52',
    delimiter: ',',
    rowsRead: 1000,
    rowsLoaded: 998,
    rowsRejected: 2,
  },
  attempts: 1,
  runAt: null,
  lastSeq: 4,
  updatedAt: '2026-12-01T09:00:03.000Z',
  startedAt: '2026-12-01T09:00:01.000Z',
  finishedAt: '2026-12-01T09:00:03.000Z',
};

export const TASK_EXAMPLES = {
  createJson: { type: 'echo', payload: { hello: 'world' } },
  createForm: {
    file: '(the bytes of orders.csv)',
    type: 'csv.import',
    options: '{"delimiter":","}',
  },
  created: QUEUED,
  task: {
    ...SUCCEEDED,
    artifacts: [{ name: 'rejects.csv', size: 120, mediaType: 'text/csv' }],
  },
  page: { items: [SUCCEEDED], nextCursor: 'MTc2NDU3OTYwMDAwMDAwMC8wYjZmM2M1Mi04YTVl' },
  events: [
    {
      taskId: ID,
      seq: 1,
      kind: 'created',
      at: '2026-12-01T09:00:00.000Z',
      data: { type: 'csv.import' },
    },
    { taskId: ID, seq: 2, kind: 'started', at: '2026-12-01T09:00:01.000Z', data: { attempt: 1 } },
    {
      taskId: ID,
      seq: 3,
      kind: 'progress',
      at: '2026-12-01T09:00:02.000Z',
      data: { percent: 50, message: '500 rows read' },
    },
    {
      taskId: ID,
      seq: 4,
      kind: 'succeeded',
      at: '2026-12-01T09:00:03.000Z',
      data: { result: SUCCEEDED.result },
    },
  ],
};
