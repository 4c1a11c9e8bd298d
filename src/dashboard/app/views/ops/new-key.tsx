import { useEffect, useRef, useState } from 'preact/hooks';
import type { CreatedApiKey } from '../../../../client/index.js';

/** A key just made: the only time its secret is shown, in a field ready to copy. */
export function NewKey({ created, onDone }: { created: CreatedApiKey; onDone: () => void }) {
  const field = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<string>();

  useEffect(() => {
    field.current?.focus();
    field.current?.select();
  }, [created]);

  const copy = async (): Promise<void> => {
    try {
      await navigator.clipboard.writeText(created.key);
      setCopied('Copied.');
    } catch {
      // Clipboard access needs a secure context and permission: the selected text still copies.
      field.current?.select();
      setCopied('Selected: press Ctrl+C (⌘C) to copy.');
    }
  };

  return (
    <div class="new-key" role="region" aria-label="Key just made">
      <p class="warning">
        <strong>
          <span aria-hidden="true">⚠</span> Copy this key now: it will not be shown again.
        </strong>{' '}
        Key {created.name} of tenant {created.tenant}, role {created.role}.
      </p>
      <div class="toolbar">
        <label>
          New key
          <input
            ref={field}
            readOnly
            value={created.key}
            size={Math.min(60, created.key.length + 2)}
            onFocus={(e) => e.currentTarget.select()}
          />
        </label>
        <button type="button" onClick={() => void copy()}>
          Copy
        </button>
        <button type="button" class="secondary" onClick={onDone}>
          Done
        </button>
        <span role="status">{copied}</span>
      </div>
    </div>
  );
}
