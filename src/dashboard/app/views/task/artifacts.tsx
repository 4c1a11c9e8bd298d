import { useState } from 'preact/hooks';
import type { ArtifactInfo, Task } from '../../../../client/index.js';
import { ErrorNote, errorText } from '../../components.js';
import { useSession } from '../../context.js';
import { formatBytes } from '../../format.js';

/** The task's output files, each downloaded with the key in a header, never in a URL. */
export function Artifacts({ task }: { task: Task }) {
  const { client } = useSession();
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<string>();
  const artifacts = task.artifacts ?? [];
  if (artifacts.length === 0) return null;

  const download = async (artifact: ArtifactInfo): Promise<void> => {
    setBusy(artifact.name);
    setError(undefined);
    try {
      const blob = await new Response(await client.artifact(task.id, artifact.name)).blob();
      saveBlob(blob, artifact.name);
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <section aria-labelledby="artifacts-heading">
      <h2 id="artifacts-heading">Artifacts</h2>
      {error && <ErrorNote>{error}</ErrorNote>}
      <table class="cards artifacts">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Size</th>
            <th scope="col">Type</th>
            <th scope="col">
              <span class="visually-hidden">Download</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {artifacts.map((artifact) => (
            <tr key={artifact.name}>
              <td data-label="Name">{artifact.name}</td>
              <td data-label="Size">{formatBytes(artifact.size)}</td>
              <td data-label="Type">{artifact.mediaType}</td>
              <td>
                <button
                  type="button"
                  class="secondary"
                  disabled={busy !== undefined}
                  aria-label={`Download ${artifact.name}`}
                  onClick={() => void download(artifact)}
                >
                  {busy === artifact.name ? 'Downloading…' : 'Download'}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** Saves a Blob under `name` through a short-lived object URL and a link with `download`. */
function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
