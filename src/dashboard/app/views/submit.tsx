import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { TaskyardError } from '../../../client/index.js';
import type { TaskType } from '../../../client/index.js';
import { ErrorNote, errorText } from '../components.js';
import { useSession } from '../context.js';
import { navigate } from '../router.js';
import { uploadTask, type UploadState } from '../upload.js';
import { DropZone } from './submit/drop-zone.js';
import { Field, fieldIds } from './submit/field.js';
import {
  type FieldErrors,
  initialValues,
  optionFields,
  placeErrors,
  type RawValues,
  readOptions,
} from './submit/option-fields.js';
import { OptionsForm } from './submit/options-form.js';
import { UploadProgressNote } from './submit/upload-progress.js';

/** Submit a task: a file (or a JSON payload), a type and its options; then on to its page. */
export function SubmitView() {
  const { client, key } = useSession();
  const [types, setTypes] = useState<TaskType[]>();
  const [typeName, setTypeName] = useState('');
  const [file, setFile] = useState<File>();
  const [payload, setPayload] = useState('');
  const [values, setValues] = useState<RawValues>({});
  const [errors, setErrors] = useState<FieldErrors>({});
  const [problem, setProblem] = useState<string[]>();
  const [note, setNote] = useState<string>();
  const [upload, setUpload] = useState<UploadState>();
  const [busy, setBusy] = useState(false);
  const abort = useRef<AbortController | undefined>(undefined);

  useEffect(() => {
    client.taskTypes().then(setTypes, (e) => setProblem([errorText(e)]));
  }, [client]);
  useEffect(() => () => abort.current?.abort(), []);

  const type = types?.find((t) => t.type === typeName);
  const fields = useMemo(() => (type ? optionFields(type.options) : []), [type]);

  const pickType = (name: string): void => {
    setTypeName(name);
    const picked = types?.find((t) => t.type === name);
    setValues(picked ? initialValues(optionFields(picked.options)) : {});
    setErrors({});
    setProblem(undefined);
  };

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    setNote(undefined);
    const checked = check();
    setErrors(checked.errors);
    if (!type || Object.keys(checked.errors).length > 0) {
      setProblem(['Some fields need a look: see the messages beside them.']);
      return;
    }
    setProblem(undefined);
    setBusy(true);
    abort.current = new AbortController();
    try {
      navigate('tasks', (await send(type, checked.options, abort.current.signal)).id);
    } catch (failure) {
      shown(failure);
    } finally {
      setBusy(false);
      setUpload(undefined);
    }
  };

  const check = (): { options: Record<string, unknown>; errors: FieldErrors } => {
    const read = readOptions(fields, values);
    if (!type) read.errors.type = ['Choose a task type.'];
    else if (type.input === 'file' && !file) read.errors.file = ['Choose or drop a file.'];
    if (type?.input === 'payload' && payload.trim()) {
      try {
        JSON.parse(payload);
      } catch {
        read.errors.payload = ['The payload is not valid JSON.'];
      }
    }
    return read;
  };

  const send = (picked: TaskType, options: Record<string, unknown>, signal: AbortSignal) => {
    if (picked.input === 'file' && file) {
      setUpload({ loaded: 0, total: file.size });
      return uploadTask(key, { file, type: picked.type, options }, setUpload, signal);
    }
    const body = payload.trim() ? (JSON.parse(payload) as unknown) : undefined;
    return client.createTask({ type: picked.type, options, payload: body }, { signal });
  };

  const shown = (failure: unknown): void => {
    if (failure instanceof DOMException && failure.name === 'AbortError') {
      setNote('Upload cancelled: no task was created.');
      return;
    }
    const placed = placeErrors(
      failure instanceof TaskyardError ? (failure.errors ?? []) : [],
      fields.map((f) => f.name),
    );
    setErrors(placed.byField);
    setProblem([errorText(failure), ...placed.other]);
  };

  const typeIds = fieldIds('task-type', type ? 'task-type-hint' : undefined, errors.type);
  return (
    <section class="submit">
      <h1>Submit a task</h1>
      <form noValidate onSubmit={(event) => void submit(event)}>
        <Field
          id="task-type"
          label="Task type"
          hint={type && (type.input === 'file' ? 'Works on a file.' : 'Takes a JSON payload.')}
          errors={errors.type}
        >
          <select
            id="task-type"
            value={typeName}
            disabled={busy || !types}
            aria-describedby={typeIds.describedBy}
            aria-invalid={typeIds.invalid || undefined}
            onChange={(event) => pickType(event.currentTarget.value)}
          >
            <option value="">{types ? 'Choose a type…' : 'Loading the types…'}</option>
            {types?.map((t) => (
              <option key={t.type} value={t.type}>
                {t.type}
              </option>
            ))}
          </select>
        </Field>

        {type?.input === 'file' && (
          <DropZone
            file={file}
            accept={type.mediaTypes}
            errors={errors.file}
            disabled={busy}
            onFile={setFile}
          />
        )}
        {type?.input === 'payload' && (
          <Field
            id="task-payload"
            label="Payload (JSON)"
            hint="Leave empty for none."
            errors={errors.payload}
          >
            <textarea
              id="task-payload"
              class="code"
              rows={6}
              spellcheck={false}
              value={payload}
              aria-describedby={fieldIds('task-payload', 'hint', errors.payload).describedBy}
              aria-invalid={errors.payload?.length ? true : undefined}
              onInput={(event) => setPayload(event.currentTarget.value)}
            />
          </Field>
        )}

        {type && (
          <fieldset disabled={busy}>
            <legend>Options of {type.type}</legend>
            <OptionsForm
              fields={fields}
              values={values}
              errors={errors}
              onChange={(name, value) => setValues((all) => ({ ...all, [name]: value }))}
            />
          </fieldset>
        )}

        {problem && (
          <ErrorNote>
            {problem.map((line) => (
              <span class="line" key={line}>
                {line}
              </span>
            ))}
          </ErrorNote>
        )}
        {note && (
          <p class="note" role="status">
            {note}
          </p>
        )}
        {upload && <UploadProgressNote state={upload} onCancel={() => abort.current?.abort()} />}

        <div class="actions">
          <button type="submit" disabled={busy || !type}>
            {busy ? (upload ? 'Uploading…' : 'Submitting…') : 'Submit'}
          </button>
        </div>
      </form>
    </section>
  );
}
