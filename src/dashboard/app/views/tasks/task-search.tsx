import { useState } from 'preact/hooks';
import { TaskyardError } from '../../../../client/index.js';
import { ErrorNote, errorText } from '../../components.js';
import { useSession } from '../../context.js';
import { navigate } from '../../router.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Opens a task by its full id, after checking that it is one and that the key may see it. */
export function TaskSearch() {
  const { client } = useSession();
  const [text, setText] = useState('');
  const [message, setMessage] = useState<string>();
  const [busy, setBusy] = useState(false);

  const open = async (event: Event): Promise<void> => {
    event.preventDefault();
    const id = text.trim().toLowerCase();
    if (!UUID.test(id)) {
      setMessage(
        `"${text.trim()}" is not a task id: a task id is a UUID such as ` +
          '0b6f3c52-8a5e-4c8e-9d27-4f1f6a0e2a11.',
      );
      return;
    }
    setBusy(true);
    setMessage(undefined);
    try {
      await client.getTask(id);
      navigate('tasks', id);
    } catch (error) {
      setMessage(
        error instanceof TaskyardError && error.status === 404
          ? `Task ${id} was not found.`
          : errorText(error),
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="toolbar search" role="search" onSubmit={(e) => void open(e)}>
      <label>
        Task id
        <input
          type="search"
          value={text}
          size={38}
          spellcheck={false}
          autocomplete="off"
          placeholder="a full task id (UUID)"
          onInput={(e) => setText(e.currentTarget.value)}
        />
      </label>
      <button type="submit" disabled={busy || text.trim() === ''}>
        Open
      </button>
      {message && <ErrorNote>{message}</ErrorNote>}
    </form>
  );
}
