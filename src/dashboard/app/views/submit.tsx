export function SubmitView() {
  return (
    <section>
      <h1>Submit a task</h1>
    </section>
  );
}
