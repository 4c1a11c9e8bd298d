import { useState } from 'preact/hooks';
import type { ApiKey, ApiKeyRole, CreatedApiKey } from '../../../../client/index.js';
import { ErrorNote, errorText } from '../../components.js';
import { useSession } from '../../context.js';
import { formatTime } from '../../format.js';
import { ConfirmDialog } from './confirm-dialog.js';
import { NewKey } from './new-key.js';
import { useRefreshing } from './use-refreshing.js';
import { TableHead } from './table-head.js';

/** API keys: every one made through the API (the ADMIN_API_KEY setting is not among them). */
export function KeysView() {
  const { client, identity, signOut } = useSession();
  const keys = useRefreshing(() => client.listKeys(), [client], { everyMs: 60_000 });
  const [created, setCreated] = useState<CreatedApiKey>();
  const [revoking, setRevoking] = useState<ApiKey>();
  const [actionError, setActionError] = useState<string>();

  const revoke = async (key: ApiKey): Promise<void> => {
    setRevoking(undefined);
    setActionError(undefined);
    try {
      await client.revokeKey(key.id);
      if (key.id === identity.keyId) return signOut();
    } catch (e) {
      setActionError(`Revoke ${key.name}: ${errorText(e)}`);
    }
    keys.reload();
  };

  return (
    <section>
      <h1>API keys</h1>
      <CreateKeyForm
        onCreated={(key) => {
          setCreated(key);
          keys.reload();
        }}
      />
      {created && <NewKey created={created} onDone={() => setCreated(undefined)} />}
      <h2>Keys</h2>
      {keys.error && <ErrorNote>{keys.error}</ErrorNote>}
      {actionError && <ErrorNote>{actionError}</ErrorNote>}
      {keys.data?.length === 0 && <p>No key has been made yet.</p>}
      {!!keys.data?.length && (
        <table class="cards keys">
          <TableHead
            columns={['Tenant', 'Name', 'Role', 'Starts with', 'Created', 'Last used', 'State', '']}
          />
          <tbody>
            {keys.data.map((k) => (
              <tr key={k.id}>
                <td data-label="Tenant">{k.tenant}</td>
                <th scope="row" data-label="Name">
                  {k.name}
                </th>
                <td data-label="Role">{k.role}</td>
                <td data-label="Starts with">
                  <code>{k.prefix}…</code>
                </td>
                <td data-label="Created">{formatTime(k.createdAt)}</td>
                <td data-label="Last used">{k.lastUsedAt ? formatTime(k.lastUsedAt) : 'never'}</td>
                <td data-label="State">
                  {k.revokedAt ? (
                    <span class="key-revoked">
                      <span aria-hidden="true">⊘</span> revoked {formatTime(k.revokedAt)}
                    </span>
                  ) : (
                    <span class="key-active">
                      <span aria-hidden="true">✓</span> active
                    </span>
                  )}
                </td>
                <td>
                  {!k.revokedAt && (
                    <button
                      type="button"
                      class="secondary"
                      aria-label={`Revoke key ${k.name} of ${k.tenant}`}
                      onClick={() => setRevoking(k)}
                    >
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {revoking && (
        <ConfirmDialog
          title="Revoke this key?"
          confirmLabel="Revoke key"
          danger
          onConfirm={() => void revoke(revoking)}
          onCancel={() => setRevoking(undefined)}
        >
          <p>
            The key <strong>{revoking.name}</strong> of tenant <strong>{revoking.tenant}</strong> (
            <code>{revoking.prefix}…</code>) stops working at once, for every client using it. This
            cannot be undone.
          </p>
          {revoking.id === identity.keyId && (
            <p class="warning">
              <strong>
                <span aria-hidden="true">⚠</span> This is the key you are signed in with: you will
                be signed out.
              </strong>
            </p>
          )}
        </ConfirmDialog>
      )}
    </section>
  );
}

function CreateKeyForm({ onCreated }: { onCreated: (key: CreatedApiKey) => void }) {
  const { client } = useSession();
  const [tenant, setTenant] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<ApiKeyRole>('user');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      onCreated(await client.createKey({ tenant: tenant.trim(), name: name.trim(), role }));
      setName('');
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="toolbar" onSubmit={(e) => void submit(e)} aria-label="Create a key">
      <label>
        Tenant
        <input
          required
          value={tenant}
          pattern="[a-z0-9][a-z0-9_\-]{0,62}"
          title="Lower-case letters, digits, _ and -; up to 63"
          onInput={(e) => setTenant(e.currentTarget.value)}
        />
      </label>
      <label>
        Name
        <input
          required
          maxLength={200}
          value={name}
          onInput={(e) => setName(e.currentTarget.value)}
        />
      </label>
      <label>
        Role
        <select value={role} onChange={(e) => setRole(e.currentTarget.value as ApiKeyRole)}>
          <option value="user">user</option>
          <option value="worker">worker (remote worker routes only)</option>
          <option value="admin">admin</option>
        </select>
      </label>
      <button type="submit" disabled={busy}>
        Create key
      </button>
      {error && <ErrorNote>{error}</ErrorNote>}
    </form>
  );
}
