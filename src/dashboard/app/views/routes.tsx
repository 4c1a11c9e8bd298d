import { useSession } from '../context.js';
import { useRoute } from '../router.js';
import { NotFound } from './not-found.js';
import { OperationsView } from './ops/operations.js';
import { SubmitView } from './submit.js';
import { TaskList } from './task-list.js';
import { TaskPage } from './task-page.js';

/** The view for the URL's fragment; admin views exist for admin keys only. */
export function Routes() {
  const { identity } = useSession();
  const [section, id, ...rest] = useRoute();
  if (!section || (section === 'tasks' && !id)) return <TaskList />;
  if (section === 'tasks' && id && rest.length === 0) return <TaskPage id={id} />;
  if (section === 'submit' && !id) return <SubmitView />;
  if (section === 'ops' && identity.role === 'admin' && id) return <OperationsView view={id} />;
  return <NotFound />;
}
