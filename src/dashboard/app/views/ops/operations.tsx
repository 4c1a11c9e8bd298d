import { NotFound } from '../not-found.js';

/** The admin views, by name (`#/ops/<view>`). */
export function OperationsView({ view }: { view: string }) {
  switch (view) {
    default:
      return <NotFound />;
  }
}
