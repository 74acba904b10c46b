/** Main toolbar: file actions, Go to packet, time format, and the live-capture controls. */
import { platform } from '../connection';
import { TIME_FORMATS, timeFormatLabel, type TimeFormat } from '../format';
import { useStore } from '../store';
import { CaptureControls } from './CaptureControls';
import { useState } from 'react';
import { ExportSessionsDialog } from '../views/ExportSessionsDialog';

export function Toolbar() {
  const setDialog = useStore((s) => s.setDialog);
  const timeFormat = useStore((s) => s.timeFormat);
  const setTimeFormat = useStore((s) => s.setTimeFormat);
  const hasFile = useStore((s) => (s.status?.path ?? null) !== null);
  const closeFile = useStore((s) => s.closeFile);
  const live = useStore((s) => s.status?.live ?? false);
  const saveCapture = useStore((s) => s.saveCapture);
  // The sessions/logs export dialog is opened from here only, so its open state lives here.
  const [exportData, setExportData] = useState(false);
  return (
    <div className="toolbar" role="toolbar">
      <span className="brand">Wirelens</span>
      {/* In Electron, File ▸ Open lives in main's native menu (a native dialog); the browser has only files.list. */}
      {platform !== 'electron' && (
        <button type="button" onClick={() => setDialog('open')} data-testid="open-button" title="Open a capture file">
          Open…
        </button>
      )}
      <button type="button" onClick={() => void closeFile()} disabled={!hasFile}>
        Close
      </button>
      <button type="button" onClick={() => setDialog('export')} disabled={!hasFile} data-testid="export-button">
        Export…
      </button>
      <button type="button" onClick={() => setExportData(true)} disabled={!hasFile} data-testid="export-sessions-button" title="Sessions as CSV, JSON lines or Parquet; logs as CSV or JSON lines">
        Export sessions…
      </button>
      <button type="button" onClick={() => setDialog('split')} disabled={!hasFile} data-testid="split-button" title="Split into sessions: one file per session, or one JSON document">
        Split…
      </button>
      {exportData && <ExportSessionsDialog onClose={() => setExportData(false)} />}
      {/* Saving the file on screen (a stopped capture's spool above all): live.save copies it as a whole. */}
      <button type="button" onClick={() => void saveCapture()} disabled={!hasFile || live} data-testid="save-button" title="Save the capture as pcapng">
        Save As…
      </button>
      <button type="button" onClick={() => setDialog('goto')} disabled={!hasFile} data-testid="goto-button" title="Ctrl+G">
        Go to…
      </button>
      <label className="time-format">
        Time
        <select value={timeFormat} onChange={(e) => setTimeFormat(e.target.value as TimeFormat)} data-testid="time-format">
          {TIME_FORMATS.map((f) => (
            <option key={f} value={f}>
              {timeFormatLabel(f)}
            </option>
          ))}
        </select>
      </label>
      <span className="toolbar-sep" />
      <CaptureControls />
      <button type="button" onClick={() => setDialog('about')} data-testid="about-button" title="About Wirelens and its data sources">
        About
      </button>
    </div>
  );
}
