import { render } from 'preact';
import { App } from './app.js';

const root = document.getElementById('app') as HTMLElement;
// Preact 11's render() leaves what the container holds (the "Loading…" line) in place.
root.replaceChildren();
render(<App />, root);
