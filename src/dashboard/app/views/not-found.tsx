import { href } from '../router.js';

export function NotFound() {
  return (
    <section>
      <h1>Not found</h1>
      <p>
        There is no such page here. <a href={href('tasks')}>Back to the tasks</a>
      </p>
    </section>
  );
}
