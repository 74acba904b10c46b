/** The window: toolbar, filter bar, packet list, detail tree + hex view, status bar; global shortcuts and drop. */
import { useEffect, useState, type DragEvent } from 'react';
import { platform } from './connection';
import { useStore } from './store';
import { Toolbar } from './components/Toolbar';
import { FilterBar } from './components/FilterBar';
import { PacketList } from './components/PacketList';
import { DetailTree } from './components/DetailTree';
import { HexView } from './components/HexView';
import { StatusBar } from './components/StatusBar';
import { MessageBar } from './components/MessageBar';
import { OpenDialog } from './components/OpenDialog';
import { ExportDialog } from './components/ExportDialog';
import { GoToDialog } from './components/GoToDialog';
import { ViewTabs } from './components/ViewTabs';
import { SessionsView } from './views/SessionsView';
import { CallsView } from './views/CallsView';
import { StatsView } from './views/StatsView';
import { LogsView } from './views/LogsView';
import { FollowStreamDialog } from './views/FollowStreamDialog';
import { SplitDialog } from './views/SplitDialog';
import { AboutDialog } from './components/AboutDialog';

export function App() {
  const dialog = useStore((s) => s.dialog);
  const view = useStore((s) => s.view);
  const [dragging, setDragging] = useState(false);

  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      const mod = e.ctrlKey || e.metaKey;
      if (!mod || e.altKey) return;
      const st = useStore.getState();
      if (e.key === 'g' || e.key === 'G') {
        e.preventDefault();
        if (st.status?.path) st.setDialog('goto');
      } else if ((e.key === 'm' || e.key === 'M') && st.selected !== null) {
        e.preventDefault();
        st.toggleMark(st.selected);
      } else if ((e.key === 'o' || e.key === 'O') && platform !== 'electron') {
        e.preventDefault();
        st.setDialog('open');
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const onDragOver = (e: DragEvent): void => {
    if (!e.dataTransfer.types.includes('Files')) return;
    e.preventDefault();
    setDragging(true);
  };
  const onDrop = (e: DragEvent): void => {
    e.preventDefault();
    setDragging(false);
    const file = e.dataTransfer.files[0];
    if (!file) return;
    const st = useStore.getState();
    if (platform === 'electron' && window.wirelens) {
      // Only main can read the file: the bridge turns the dropped File into its path on disk.
      const path = window.wirelens.pathForFile(file);
      if (path) void st.openFile(path);
      else st.notify('That item has no path on disk.', 'error');
      return;
    }
    st.notify(
      `Opening dropped files needs the desktop app: the browser cannot give the engine a path, and uploading is not supported. Use Open… to pick "${file.name}" from the server's folder.`,
      'error',
    );
  };

  return (
    <div className="app" onDragOver={onDragOver} onDragLeave={() => setDragging(false)} onDrop={onDrop}>
      <Toolbar />
      <FilterBar />
      <MessageBar />
      <ViewTabs />
      <div className="panes">
        {/* The packet list stays mounted (hidden) under the other views: its grid keeps its place and cache. */}
        <div className={view === 'packets' ? 'upper' : 'upper hidden'}>
          <PacketList />
        </div>
        {view === 'sessions' && <SessionsView />}
        {view === 'calls' && <CallsView />}
        {view === 'stats' && <StatsView />}
        {view === 'logs' && <LogsView />}
        <div className="lower">
          <DetailTree />
          <HexView />
        </div>
      </div>
      <StatusBar />
      {dialog === 'open' && <OpenDialog />}
      {dialog === 'export' && <ExportDialog />}
      {dialog === 'goto' && <GoToDialog />}
      {dialog === 'follow' && <FollowStreamDialog />}
      {dialog === 'split' && <SplitDialog />}
      {dialog === 'about' && <AboutDialog />}
      {dragging && <div className="drop-overlay">Drop a capture file to open it</div>}
    </div>
  );
}
