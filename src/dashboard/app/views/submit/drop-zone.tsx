import { useState } from 'preact/hooks';
import { formatBytes } from '../../format.js';
import { FieldErrorList, fieldIds } from './field.js';

interface Props {
  file: File | undefined;
  /** Media types the type takes (the input's `accept`); empty: any. */
  accept: string[];
  errors?: string[];
  disabled: boolean;
  onFile: (file: File | undefined) => void;
}

/**
 * A zone to drop a file on, around a real file input: the input is what the keyboard and screen
 * readers use, the zone is the mouse's shortcut.
 */
export function DropZone({ file, accept, errors, disabled, onFile }: Props) {
  const [over, setOver] = useState(false);
  const ids = fieldIds('task-file', 'task-file-hint', errors);

  const drop = (event: DragEvent): void => {
    event.preventDefault();
    setOver(false);
    const dropped = event.dataTransfer?.files[0];
    if (dropped && !disabled) onFile(dropped);
  };

  return (
    <div
      class={`drop-zone${over ? ' drop-over' : ''}${errors?.length ? ' field-invalid' : ''}`}
      onDragOver={(event) => {
        event.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={drop}
    >
      <label for="task-file">File</label>
      <p class="hint" id="task-file-hint">
        Drop a file here, or choose one.
        {accept.length > 0 && ` This type takes ${accept.join(', ')}.`}
      </p>
      <input
        id="task-file"
        type="file"
        accept={accept.join(',') || undefined}
        disabled={disabled}
        aria-describedby={ids.describedBy}
        aria-invalid={ids.invalid || undefined}
        onChange={(event) => onFile(event.currentTarget.files?.[0])}
      />
      {file && (
        <p class="chosen" aria-live="polite">
          <strong>{file.name}</strong> · {formatBytes(file.size)}
          {file.type && ` · ${file.type}`}
        </p>
      )}
      <FieldErrorList id="task-file-errors" errors={errors} />
    </div>
  );
}
