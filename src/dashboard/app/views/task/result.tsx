import { useEffect, useState } from 'preact/hooks';
import type { ImportRowsPage, Task } from '../../../../client/index.js';
import { ErrorNote, errorText } from '../../components.js';
import { useSession } from '../../context.js';

/** Rows of an import shown on its page; the API pages through the rest. */
const LINE = '_line';
const ROWS_SHOWN = 20;

/** The problem of a failed or cancelled task, as the API gives it. */
export function TaskProblemNote({ task }: { task: Task }) {
  if (!task.error || (task.status !== 'failed' && task.status !== 'cancelled')) return null;
  return (
    <section class="problem" aria-labelledby="problem-heading">
      <h2 id="problem-heading">{task.status === 'failed' ? 'Why it failed' : 'Why it stopped'}</h2>
      <p>
        <strong>{task.error.title}</strong>
        {task.error.detail && `: ${task.error.detail}`}
      </p>
      <p class="hint">
        <code>{task.error.type}</code>
      </p>
    </section>
  );
}

/** A succeeded task's result as JSON; for csv.import, the first rows of its table and its rejects. */
export function TaskResult({ task }: { task: Task }) {
  if (task.status !== 'succeeded') return null;
  return (
    <>
      {task.type === 'csv.import' && <ImportedRows task={task} />}
      {task.type === 'csv.import' && <Rejects result={task.result} />}
      <section aria-labelledby="result-heading">
        <h2 id="result-heading">Result</h2>
        <pre class="result">{JSON.stringify(task.result, null, 2)}</pre>
      </section>
    </>
  );
}

function ImportedRows({ task }: { task: Task }) {
  const { client } = useSession();
  const [page, setPage] = useState<ImportRowsPage>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    client.importRows(task.id, { limit: ROWS_SHOWN }).then(setPage, (e) => setError(errorText(e)));
  }, [client, task.id]);

  return (
    <section aria-labelledby="rows-heading">
      <h2 id="rows-heading">Imported rows</h2>
      {error && <ErrorNote>{error}</ErrorNote>}
      {page && page.items.length === 0 && <p class="hint">No rows were loaded.</p>}
      {page && page.items.length > 0 && (
        <>
          <p class="hint">
            {page.nextCursor ? `The first ${page.items.length} rows` : 'Every row'}, by the line of
            the file they were read from.
          </p>
          <div class="table-scroll">
            <table class="cards rows">
              <thead>
                <tr>
                  <th scope="col">Line</th>
                  {page.columns.map((column) => (
                    <th scope="col" key={column.name}>
                      {column.name} <span class="hint">({column.type})</span>
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {page.items.map((row) => (
                  <tr key={String(row[LINE])}>
                    <td data-label="Line">{String(row[LINE])}</td>
                    {page.columns.map((column) => (
                      <td data-label={column.name} key={column.name}>
                        {row[column.name] === null ? (
                          <span class="hint">null</span>
                        ) : (
                          String(row[column.name])
                        )}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

interface ImportSummary {
  rowsRejected?: number;
  rejects?: { line: number; reason: string }[];
}

function Rejects({ result }: { result: unknown }) {
  const { rowsRejected = 0, rejects = [] } = (result ?? {}) as ImportSummary;
  if (rowsRejected === 0) return null;
  return (
    <section aria-labelledby="rejects-heading">
      <h2 id="rejects-heading">Rejected rows ({rowsRejected})</h2>
      {rejects.length < rowsRejected && (
        <p class="hint">The first {rejects.length}; rejects.csv below has them all.</p>
      )}
      <table class="cards rejects">
        <thead>
          <tr>
            <th scope="col">Line</th>
            <th scope="col">Reason</th>
          </tr>
        </thead>
        <tbody>
          {rejects.map((reject) => (
            <tr key={reject.line}>
              <td data-label="Line">{reject.line}</td>
              <td data-label="Reason">{reject.reason}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
