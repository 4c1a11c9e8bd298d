import { useState } from 'preact/hooks';
import { ErrorNote, errorText } from '../components.js';
import { openSession, type Session } from '../session.js';

/** Asks for the API key once; the tab keeps it in session storage until sign-out or close. */
export function SignIn({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      onSignedIn(await openSession(key.trim()));
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="sign-in">
      <h1>Taskyard</h1>
      <form onSubmit={(event) => void submit(event)}>
        <label for="api-key">API key</label>
        <input
          id="api-key"
          name="api-key"
          type="password"
          autocomplete="off"
          spellcheck={false}
          required
          value={key}
          onInput={(event) => setKey(event.currentTarget.value)}
        />
        <button type="submit" disabled={busy || !key.trim()}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        {error && <ErrorNote>{error}</ErrorNote>}
        <p class="hint">
          The key stays in this tab only (session storage) and is sent with each request. Create one
          with <code>npm run keys -- create --tenant acme --name me</code>.
        </p>
      </form>
    </main>
  );
}
