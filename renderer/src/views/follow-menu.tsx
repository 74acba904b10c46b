/**
 * The packet list's row context menu (Follow TCP/UDP stream, filter to the stream) and Wireshark's follow
 * shortcuts on the selected packet: Ctrl+Alt+Shift+T (TCP) and Ctrl+Alt+Shift+U (UDP).
 */
import { useEffect, type MouseEvent } from 'react';
import { useStore } from '../store';
import { followPacket, openFollow, streamOfPacket, useFollow } from './follow-store';
import './follow.css';

/** Right-click on a packet row: select the packet and offer its stream. */
export function onPacketContextMenu(e: MouseEvent<HTMLElement>): void {
  const row = (e.target as HTMLElement).closest('.ag-row');
  const number = Number(row?.querySelector('[col-id="number"]')?.textContent ?? NaN);
  if (!row || !Number.isInteger(number) || number < 1) return;
  e.preventDefault();
  useStore.getState().selectPacket(number);
  const menu = { x: e.clientX, y: e.clientY, packet: number, target: null, asked: false };
  useFollow.getState().setMenu(menu);
  streamOfPacket(number)
    .then((target) => {
      if (useFollow.getState().menu?.packet === number) useFollow.getState().setMenu({ ...menu, target, asked: true });
    })
    .catch(() => {
      if (useFollow.getState().menu?.packet === number) useFollow.getState().setMenu({ ...menu, asked: true });
    });
}

/** Positions the menu through the CSSOM (the CSP forbids inline style attributes). */
function place(el: HTMLElement, x: number, y: number): void {
  el.style.left = `${Math.min(x, window.innerWidth - 260)}px`;
  el.style.top = `${Math.min(y, window.innerHeight - 90)}px`;
}

export function FollowContextMenu() {
  const menu = useFollow((s) => s.menu);

  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (!(e.ctrlKey || e.metaKey) || !e.altKey || !e.shiftKey) return;
      const key = e.key.toLowerCase();
      if (key !== 't' && key !== 'u') return;
      const sel = useStore.getState().selected;
      if (sel === null) return;
      e.preventDefault();
      void followPacket(sel, key === 't' ? 'tcp' : 'udp');
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  useEffect(() => {
    if (menu === null) return;
    const close = (): void => useFollow.getState().setMenu(null);
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') close();
    };
    window.addEventListener('mousedown', close);
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('mousedown', close);
      window.removeEventListener('keydown', onKey);
    };
  }, [menu]);

  if (menu === null) return null;
  const t = menu.target;
  const name = t?.proto.toUpperCase() ?? 'TCP/UDP';
  return (
    <div
      className="context-menu follow-menu"
      data-testid="packet-context-menu"
      role="menu"
      ref={(el) => {
        if (el) place(el, menu.x, menu.y);
      }}
      onMouseDown={(e) => e.stopPropagation()}
    >
      <button type="button" role="menuitem" data-testid="menu-follow-stream" disabled={t === null} onClick={() => t && openFollow(t.session)}>
        Follow {name} Stream <span className="muted small">{t ? `Ctrl+Alt+Shift+${t.proto === 'tcp' ? 'T' : 'U'}` : menu.asked ? '(none)' : '…'}</span>
      </button>
      <button
        type="button"
        role="menuitem"
        disabled={t === null}
        onClick={() => {
          useFollow.getState().setMenu(null);
          if (t) void useStore.getState().filterTo(t.filter);
        }}
      >
        Filter to this stream <span className="muted small mono">{t?.filter ?? ''}</span>
      </button>
    </div>
  );
}
