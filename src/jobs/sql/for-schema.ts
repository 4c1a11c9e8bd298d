/**
 * For the statements that may run on a connection Taskyard does not own (a host application's
 * transaction, through `enqueue({ manager })`): their names carry the schema instead of relying on
 * the connection's search_path. Built once per schema.
 */
export function forSchema<T>(build: (schema: string) => T): (schema: string) => T {
  const built = new Map<string, T>();
  return (schema) => {
    let statement = built.get(schema);
    if (statement === undefined) {
      statement = build(schema);
      built.set(schema, statement);
    }
    return statement;
  };
}
