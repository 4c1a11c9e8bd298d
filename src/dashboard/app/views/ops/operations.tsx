import { NotFound } from '../not-found.js';
import { FailuresView } from './failures.js';
import { KeysView } from './keys.js';
import { QueuesView } from './queues.js';
import { StuckView } from './stuck.js';
import { WorkersView } from './workers.js';

/** The admin views, by name (`#/ops/<view>`). */
export function OperationsView({ view }: { view: string }) {
  switch (view) {
    case 'queues':
      return <QueuesView />;
    case 'failures':
      return <FailuresView />;
    case 'stuck':
      return <StuckView />;
    case 'workers':
      return <WorkersView />;
    case 'keys':
      return <KeysView />;
    default:
      return <NotFound />;
  }
}
