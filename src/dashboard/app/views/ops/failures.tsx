import { useState } from 'preact/hooks';
import type {
  FailureFilter,
  FailureGroup,
  FailuresActed,
  FailureSelection,
} from '../../../../client/index.js';
import { ErrorNote, errorText } from '../../components.js';
import { useSession } from '../../context.js';
import { formatTime } from '../../format.js';
import { href } from '../../router.js';
import { ConfirmDialog } from './confirm-dialog.js';
import { FailureFilterForm } from './failure-filter.js';
import { useRefreshing } from './use-refreshing.js';
import { TableHead } from './table-head.js';

type Action = 'retry' | 'discard';

/** What the confirmation asks about: one group, or every failure the filter selects. */
interface Pending {
  action: Action;
  selection: FailureSelection;
  count: number;
  what: string;
}

const VERB: Record<Action, [present: string, past: string]> = {
  retry: ['Retry', 'Retried'],
  discard: ['Discard', 'Discarded'],
};

const tasks = (n: number): string => `${n.toLocaleString()} task${n === 1 ? '' : 's'}`;

/** Failed tasks grouped by type and error, with retry and discard of a group or of them all. */
export function FailuresView() {
  const { client } = useSession();
  const [filter, setFilter] = useState<FailureFilter>({});
  const groups = useRefreshing(() => client.failureGroups(filter), [client, filter], {
    onEvents: true,
  });
  const [pending, setPending] = useState<Pending>();
  const [report, setReport] = useState<string>();
  const [actionError, setActionError] = useState<string>();
  const total = (groups.data ?? []).reduce((sum, g) => sum + g.count, 0);

  const act = async ({ action, selection, what }: Pending): Promise<void> => {
    setPending(undefined);
    setActionError(undefined);
    setReport(undefined);
    try {
      const acted: FailuresActed =
        action === 'retry'
          ? await client.retryFailures(selection)
          : await client.discardFailures(selection);
      setReport(reportText(action, what, acted));
    } catch (e) {
      setActionError(`${VERB[action][0]} ${what}: ${errorText(e)}`);
    }
    groups.reload();
  };

  const askGroup = (action: Action, group: FailureGroup): void =>
    setPending({
      action,
      selection: { key: group.key },
      count: group.count,
      what: `the ${group.type} failures “${group.error.detail}”`,
    });
  const askAll = (action: Action): void =>
    setPending({
      action,
      selection: { ...filter, all: true },
      count: total,
      what: describeFilter(filter),
    });

  return (
    <section>
      <h1>Failures</h1>
      <FailureFilterForm filter={filter} onApply={setFilter} />
      {groups.error && <ErrorNote>{groups.error}</ErrorNote>}
      {actionError && <ErrorNote>{actionError}</ErrorNote>}
      <p role="status" class="report">
        {report}
      </p>
      {groups.data?.length === 0 && (
        <p>No failed task{Object.keys(filter).length ? ' matches the filter' : ''}.</p>
      )}
      {!!groups.data?.length && (
        <>
          <div class="toolbar">
            <span>
              {tasks(total)} in {groups.data.length} group{groups.data.length === 1 ? '' : 's'}
            </span>
            <button type="button" class="secondary" onClick={() => askAll('retry')}>
              Retry all matching
            </button>
            <button type="button" class="secondary" onClick={() => askAll('discard')}>
              Discard all matching
            </button>
          </div>
          <table class="cards failures">
            <TableHead
              columns={['Type', 'Error', 'Count', 'First seen', 'Last seen', 'Sample', '']}
              numeric={['Count']}
            />
            <tbody>
              {groups.data.map((g) => (
                <tr key={g.key}>
                  <td data-label="Type">{g.type}</td>
                  <th scope="row" data-label="Error" class="wrap">
                    {g.error.title}: <span class="detail">{g.error.detail}</span>
                  </th>
                  <td data-label="Count" class="num">
                    {g.count.toLocaleString()}
                  </td>
                  <td data-label="First seen">{formatTime(g.firstSeen)}</td>
                  <td data-label="Last seen">{formatTime(g.lastSeen)}</td>
                  <td data-label="Sample">
                    <a href={href('tasks', g.sampleTaskId)}>
                      <code>{g.sampleTaskId.slice(0, 8)}</code>
                      <span class="visually-hidden"> (sample task {g.sampleTaskId})</span>
                    </a>
                  </td>
                  <td class="actions">
                    <button
                      type="button"
                      aria-label={`Retry ${tasks(g.count)}: ${g.error.detail}`}
                      onClick={() => askGroup('retry', g)}
                    >
                      Retry
                    </button>
                    <button
                      type="button"
                      class="secondary"
                      aria-label={`Discard ${tasks(g.count)}: ${g.error.detail}`}
                      onClick={() => askGroup('discard', g)}
                    >
                      Discard
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {pending && (
        <ConfirmDialog
          title={`${VERB[pending.action][0]} ${tasks(pending.count)}?`}
          confirmLabel={`${VERB[pending.action][0]} ${tasks(pending.count)}`}
          danger={pending.action === 'discard'}
          onConfirm={() => void act(pending)}
          onCancel={() => setPending(undefined)}
        >
          <p>
            {pending.action === 'retry'
              ? `This queues ${tasks(pending.count)} again — ${pending.what} — each with a retrying event.`
              : `This deletes ${tasks(pending.count)} — ${pending.what} — with their events and artifacts. It cannot be undone.`}
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}

function describeFilter(filter: FailureFilter): string {
  const parts = [
    filter.type && `of type ${filter.type}`,
    filter.queue && `in queue ${filter.queue}`,
    filter.tenant && `of tenant ${filter.tenant}`,
  ].filter(Boolean);
  return parts.length ? `every failed task ${parts.join(', ')}` : 'every failed task';
}

function reportText(action: Action, what: string, acted: FailuresActed): string {
  const done = `${VERB[action][1]} ${tasks(acted.affected)} (${what}).`;
  return acted.remaining > 0
    ? `${done} ${tasks(acted.remaining)} more still match: run it again for those.`
    : done;
}
