import type { FieldErrors, OptionField, RawValues } from './option-fields.js';
import { isCheckbox } from './option-fields.js';
import { Field, fieldIds } from './field.js';

interface Props {
  fields: OptionField[];
  values: RawValues;
  errors: FieldErrors;
  onChange: (name: string, value: string | boolean) => void;
}

/** One input per option of the type's schema; unknown shapes are JSON text. */
export function OptionsForm({ fields, values, errors, onChange }: Props) {
  if (fields.length === 0) return <p class="hint">This type takes no options.</p>;
  return (
    <div class="options-form">
      {fields.map((field) => {
        const id = `option-${field.name}`;
        const hint = hintOf(field);
        const fieldErrors = errors[`options.${field.name}`];
        const ids = fieldIds(id, hint, fieldErrors);
        const label = (
          <>
            {field.name}
            {field.required && <span class="required"> (required)</span>}
          </>
        );
        return (
          <Field key={field.name} id={id} label={label} hint={hint} errors={fieldErrors}>
            <OptionInput
              field={field}
              value={values[field.name] ?? ''}
              ids={ids}
              onChange={onChange}
            />
          </Field>
        );
      })}
    </div>
  );
}

function OptionInput(props: {
  field: OptionField;
  value: string | boolean;
  ids: ReturnType<typeof fieldIds>;
  onChange: Props['onChange'];
}) {
  const { field, value, ids, onChange } = props;
  const common = {
    id: ids.input,
    name: field.name,
    'aria-describedby': ids.describedBy,
    'aria-invalid': ids.invalid || undefined,
  };
  const text = (event: { currentTarget: { value: string } }): void =>
    onChange(field.name, event.currentTarget.value);

  if (isCheckbox(field)) {
    return (
      <input
        {...common}
        type="checkbox"
        checked={value === true}
        onChange={(event) => onChange(field.name, event.currentTarget.checked)}
      />
    );
  }
  if (field.kind === 'enum' || field.kind === 'boolean') {
    const choices = field.kind === 'enum' ? (field.choices ?? []) : [true, false];
    return (
      <select {...common} value={String(value)} onChange={text}>
        {!field.required && <option value="">(not set)</option>}
        {choices.map((choice) => (
          <option key={String(choice)} value={JSON.stringify(choice)}>
            {String(choice)}
          </option>
        ))}
      </select>
    );
  }
  if (field.kind === 'number') {
    return (
      <input
        {...common}
        type="number"
        inputMode={field.integer ? 'numeric' : 'decimal'}
        step={field.integer ? 1 : 'any'}
        min={field.minimum}
        max={field.maximum}
        value={String(value)}
        onInput={text}
      />
    );
  }
  if (field.kind === 'string') {
    return (
      <input
        {...common}
        type="text"
        maxLength={field.maxLength}
        spellcheck={false}
        value={String(value)}
        onInput={text}
      />
    );
  }
  return (
    <textarea
      {...common}
      rows={field.kind === 'list' ? 4 : 6}
      spellcheck={false}
      class={field.kind === 'json' ? 'code' : undefined}
      value={String(value)}
      onInput={text}
    />
  );
}

/** The description, then what the schema allows, in words. */
function hintOf(field: OptionField): string | undefined {
  const parts: string[] = [];
  if (field.description) parts.push(field.description);
  if (field.kind === 'number') {
    const kind = field.integer ? 'A whole number' : 'A number';
    if (field.minimum !== undefined && field.maximum !== undefined) {
      parts.push(`${kind} from ${field.minimum} to ${field.maximum}.`);
    } else if (field.minimum !== undefined) parts.push(`${kind}, at least ${field.minimum}.`);
    else if (field.maximum !== undefined) parts.push(`${kind}, at most ${field.maximum}.`);
  }
  if (field.kind === 'string' && field.maxLength === 1 && field.minLength === 1) {
    parts.push('One character.');
  }
  if (field.kind === 'list') parts.push(`One ${field.item?.kind ?? 'value'} per line.`);
  if (field.kind === 'json') parts.push('JSON.');
  if (field.default !== undefined && !isCheckbox(field)) {
    const shown = typeof field.default === 'string' ? field.default : JSON.stringify(field.default);
    parts.push(`Default: ${shown}`);
  }
  if (!field.required && field.default === undefined) parts.push('Leave empty to leave it out.');
  return parts.length > 0 ? parts.join(' ') : undefined;
}
