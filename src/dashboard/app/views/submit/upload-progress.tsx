import { ProgressBar } from '../../components.js';
import { formatBytes } from '../../format.js';
import type { UploadState } from '../../upload.js';

/** The upload's bar, bytes sent of the whole, and the button that stops it. */
export function UploadProgressNote({
  state,
  onCancel,
}: {
  state: UploadState;
  onCancel: () => void;
}) {
  const percent = state.total > 0 ? (state.loaded * 100) / state.total : undefined;
  return (
    <div class="upload-progress" role="group" aria-label="Upload">
      <ProgressBar percent={percent} label="Upload progress" />
      <span class="bytes">
        {formatBytes(state.loaded)}
        {state.total > 0 && ` of ${formatBytes(state.total)}`} sent
      </span>
      <button type="button" class="secondary" onClick={onCancel}>
        Cancel upload
      </button>
    </div>
  );
}
