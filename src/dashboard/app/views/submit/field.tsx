import type { ComponentChildren } from 'preact';

export interface FieldIds {
  input: string;
  /** For aria-describedby: the hint and the errors, when there are any. */
  describedBy: string | undefined;
  invalid: boolean;
}

/** The ids a field's input points at, so that its hint and errors are read with it. */
export function fieldIds(
  id: string,
  hint: string | undefined,
  errors: string[] | undefined,
): FieldIds {
  const parts = [hint ? `${id}-hint` : '', errors?.length ? `${id}-errors` : ''].filter(Boolean);
  return { input: id, describedBy: parts.join(' ') || undefined, invalid: Boolean(errors?.length) };
}

/** A label, the input, a hint under it and the errors that name it (the client's or the server's). */
export function Field(props: {
  id: string;
  label: ComponentChildren;
  hint?: string;
  errors?: string[];
  children: ComponentChildren;
}) {
  const { id, label, hint, errors, children } = props;
  return (
    <div class={`field${errors?.length ? ' field-invalid' : ''}`}>
      <label for={id}>{label}</label>
      {children}
      {hint && (
        <span class="hint" id={`${id}-hint`}>
          {hint}
        </span>
      )}
      <FieldErrorList id={`${id}-errors`} errors={errors} />
    </div>
  );
}

export function FieldErrorList({ id, errors }: { id: string; errors: string[] | undefined }) {
  if (!errors?.length) return null;
  return (
    <ul class="field-errors" id={id}>
      {errors.map((message) => (
        <li key={message}>
          <span aria-hidden="true">✕ </span>
          {message}
        </li>
      ))}
    </ul>
  );
}
